// Command vpc-sc is the vpc-sc KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/vpcsc"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(vpcsc.Processor(), fn.WithDocs(vpcsc.README, vpcsc.Metadata)))
}
