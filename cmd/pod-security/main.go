// Command pod-security is the pod-security KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/podsecurity"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(podsecurity.Processor(), fn.WithDocs(podsecurity.README, podsecurity.Metadata)))
}
