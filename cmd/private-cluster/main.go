// Command private-cluster is the private-cluster KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/privatecluster"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(privatecluster.Processor(), fn.WithDocs(privatecluster.README, privatecluster.Metadata)))
}
