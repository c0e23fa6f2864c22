// Command network-policy is the network-policy KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/networkpolicy"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(networkpolicy.Processor(), fn.WithDocs(networkpolicy.README, networkpolicy.Metadata)))
}
