package schemagen

// dataSchema is the [data] table: the data source, normalization and
// training-time augmentation (internal/data implements each).
func dataSchema() obj {
	pair := func(doc string, minimum float64) obj {
		return obj{"type": "array", "minItems": 2, "maxItems": 2, "description": doc,
			"items": obj{"type": "number", "exclusiveMinimum": minimum}}
	}
	perChannel := func(doc string, item obj) obj {
		return obj{"type": "array", "minItems": 1, "maxItems": 3, "items": item, "description": doc}
	}
	return obj{
		"type": "object", "additionalProperties": false,
		"description": "the training and test data; command-line flags override it",
		"properties": obj{
			"format": obj{"enum": []any{"fashion-mnist", "idx", "cifar10", "folder"}, "default": "fashion-mnist",
				"description": "fashion-mnist (found as netc train finds it), idx (the four IDX files of MNIST, KMNIST, ... in dir), cifar10 (CIFAR-10's binary format: data_batch_*.bin and test_batch.bin in dir), folder (dir/CLASS/*.png|jpg, or dir/train/CLASS/... and dir/val/CLASS/...)"},
			"dir":       obj{"type": "string", "minLength": 1, "description": "the data directory, relative to the spec file unless absolute"},
			"val_split": obj{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "description": "folder without train/ and val/: the fraction of images held out for testing, chosen by the seed"},
			"mean":      perChannel("per-channel mean subtracted after scaling to [0,1] (torchvision's Normalize)", obj{"type": "number"}),
			"std":       perChannel("per-channel standard deviation divided by after subtracting the mean", obj{"type": "number", "exclusiveMinimum": 0}),
			"normalize": obj{"enum": []any{"none", "measure"}, "default": "none",
				"description": "measure: compute each channel's mean and standard deviation on the training set and store them in the run (instead of mean and std)"},
			"augment": obj{
				"type": "object", "additionalProperties": false,
				"description": "training-time augmentation, each as torchvision's transform of the same name (off by default); applied in the order resized_crop, crop_padding, hflip",
				"properties": obj{
					"resized_crop": obj{"type": "object", "additionalProperties": false,
						"description": "RandomResizedCrop to the input size; {} takes torchvision's defaults",
						"properties": obj{
							"scale": pair("area fraction range, default [0.08, 1.0]", 0),
							"ratio": pair("aspect ratio (w/h) range, default [0.75, 1.3333333333333333]", 0),
						}},
					"crop_padding": obj{"type": "integer", "minimum": 0, "maximum": 4096, "description": "RandomCrop to the input size after this much zero padding on every side"},
					"hflip":        obj{"type": "number", "minimum": 0, "maximum": 1, "description": "RandomHorizontalFlip's probability"},
				},
			},
		},
	}
}
