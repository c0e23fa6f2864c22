// Command identity returns its input unchanged. It is built with the same
// SDK as the lockdown functions and is the baseline every benchmark
// compares them against.
package main

import (
	"os"

	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(krmfn.Identity))
}
