package vpcsc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lockdown-krm/lockdown/internal/fntest"
)

// FuzzVPCSC feeds arbitrary ResourceLists (seeded with every golden case,
// config included) to the function: it must never panic, must always
// answer with a valid ResourceList, and must fail exactly when it reports
// an error.
func FuzzVPCSC(f *testing.F) {
	cases, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cases {
		if c.IsDir() && c.Name() != "fuzz" {
			f.Add(fntest.ReadResourceList(f, filepath.Join("testdata", c.Name())))
		}
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		fntest.CheckContract(t, Processor(), input)
	})
}
