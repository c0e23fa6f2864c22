// Command cloud-nat is the cloud-nat KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/cloudnat"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(cloudnat.Processor(), fn.WithDocs(cloudnat.README, cloudnat.Metadata)))
}
