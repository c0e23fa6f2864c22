package vpcsc

import (
	"testing"

	"github.com/lockdown-krm/lockdown/internal/testing/benchdata"
)

// BenchmarkVPCSC runs on benchdata's input with the config the function
// cannot run without (internal/testing/benchdata/configs/vpc-sc.yaml);
// scripts/bench.sh compares it with benchdata's BenchmarkIdentity. The
// function reads every object: the clusters for their namespaces and
// projects, the DNS records for the private VIP.
func BenchmarkVPCSC(b *testing.B) {
	input, err := benchdata.WithConfig(benchdata.ResourceList(b), Name)
	if err != nil {
		b.Fatal(err)
	}
	benchdata.Run(b, Processor(), input)
}
