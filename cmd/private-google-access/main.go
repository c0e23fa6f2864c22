// Command private-google-access is the private-google-access KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/privategoogleaccess"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(privategoogleaccess.Processor(), fn.WithDocs(privategoogleaccess.README, privategoogleaccess.Metadata)))
}
