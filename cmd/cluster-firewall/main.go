// Command cluster-firewall is the cluster-firewall KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/clusterfirewall"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(clusterfirewall.Processor(), fn.WithDocs(clusterfirewall.README, clusterfirewall.Metadata)))
}
