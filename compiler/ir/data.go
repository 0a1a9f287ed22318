package ir

// Data is the spec's [data] table, as written (Dir relative to the spec
// file's directory unless absolute). The runner turns it into a data source,
// a normalization and an augmentation; command-line flags override it.
type Data struct {
	Format      string // fashion-mnist (default), idx, cifar10 or folder
	Dir         string
	ValSplit    float64
	Mean, Std   []float64
	Normalize   string // "", "none" or "measure"
	HFlip       float64
	CropPadding int
	ResizedCrop bool
	Scale       []float64 // resized crop's area range; empty: torchvision's default
	Ratio       []float64 // resized crop's aspect range; empty: torchvision's default
}
