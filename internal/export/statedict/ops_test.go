package statedict

// The tests compile specs, whose ops package ops declares.
import _ "github.com/netc/netc/internal/ops"
