// Command pod-security-check is the pod-security-check KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/podsecuritycheck"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(podsecuritycheck.Processor(), fn.WithDocs(podsecuritycheck.README, nil)))
}
