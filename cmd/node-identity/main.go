// Command node-identity is the node-identity KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/nodeidentity"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(nodeidentity.Processor(), fn.WithDocs(nodeidentity.README, nodeidentity.Metadata)))
}
