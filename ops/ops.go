package ops

// The ops in the order the op reference lists them; merges last.
func init() {
	for _, o := range []*Op{
		conv, linear,
		relu, relu6, sigmoid, tanh,
		maxpool, avgpool, adaptiveAvgPool,
		batchnorm, dropout, flatten, identity,
		concat, add,
	} {
		register(o)
	}
}
