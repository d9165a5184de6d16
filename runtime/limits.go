package runtime

import (
	"time"

	"github.com/dlclark/regexp2/v2"
)

// regexTimeout bounds one match of a backtracking regular expression. goja runs such patterns on
// regexp2, where the CPU watchdog's Interrupt cannot reach; a catastrophic pattern gives up after this
// (as no match), and the script is then stopped by its CPU limit.
const regexTimeout = 100 * time.Millisecond

func init() {
	regexp2.DefaultMatchTimeout = regexTimeout
}
