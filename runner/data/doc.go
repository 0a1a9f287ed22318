// Package data feeds images to netc's training and prediction loops.
//
//   - Load finds a data set in a fixed order: the directory given by --data,
//     $NETC_DATA, Debian's dataset-fashion-mnist (SystemDir), then a
//     class-balanced Fashion-MNIST subset embedded in the binary, and says
//     which one it used (Dataset.Source). IDX files are read by the idx
//     subpackage, which treats them as hostile input.
//   - Resizer is PyTorch's bilinear F.interpolate (align_corners=False),
//     bit for bit in float32.
//   - Loader serves shuffled, resized batches from a background goroutine
//     through a small ring of reused buffers.
//   - LoadImageFile turns a PNG or JPEG into a network input for predict.
//     Fashion-MNIST garments are light on a black background: pictures of
//     dark objects on white need ImageOptions.Invert (--invert).
package data
