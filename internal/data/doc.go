// Package data feeds images to netc's training and prediction loops.
//
//   - Load finds a data set in a fixed order: the directory given by --data,
//     $NETC_DATA, Debian's dataset-fashion-mnist (SystemDir), then a
//     class-balanced Fashion-MNIST subset embedded in the binary, and says
//     which one it used (Dataset.Source). IDX files are read by the idx
//     subpackage, which treats them as hostile input.
//   - Open reads any Source: Fashion-MNIST as above, another IDX set, the
//     CIFAR-10 binary format (cifar.go) or an image-folder tree (folder.go),
//     converted to the network's channels (channels.go).
//   - Resizer is PyTorch's bilinear F.interpolate (align_corners=False),
//     bit for bit in float32: Resize for a contiguous 1-channel image,
//     ResizeGeneric for the kernel PyTorch takes otherwise.
//   - Loader serves shuffled, resized batches from a background goroutine
//     through a small ring of reused buffers; training batches may be
//     augmented as torchvision's transforms do (augment.go), from random
//     draws keyed by (seed, epoch, position), and normalized per channel.
//   - LoadImageFile turns a PNG or JPEG into a network input for predict.
//     Fashion-MNIST garments are light on a black background: pictures of
//     dark objects on white need ImageOptions.Invert (--invert).
package data
