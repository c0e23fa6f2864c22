// Command bastion is the bastion KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/bastion"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(bastion.Processor(), fn.WithDocs(bastion.README, bastion.Metadata)))
}
