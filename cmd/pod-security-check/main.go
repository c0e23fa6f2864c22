// Command pod-security-check is the pod-security-check KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/podsecuritycheck"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

// The check never changes the package: it takes the validator fast path,
// which reads only the pod templates' objects and returns the input as it
// came, with the results.
func main() {
	os.Exit(krmfn.MainValidator(podsecuritycheck.Processor(), podsecuritycheck.Reads, fn.WithDocs(podsecuritycheck.README, podsecuritycheck.Metadata)))
}
