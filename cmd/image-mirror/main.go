// Command image-mirror is the image-mirror KRM function.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/functions/imagemirror"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
)

func main() {
	os.Exit(krmfn.Main(imagemirror.Processor(), fn.WithDocs(imagemirror.README, imagemirror.Metadata)))
}
