package vpcsc

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/benchdata"
)

// benchConfig is what the function needs beyond the package: the policy,
// the projects and who gets in. Groups and networks make it build both
// levels and the groups' ingress policy.
const benchConfig = `apiVersion: fn.lockdown.dev/v1alpha1
kind: VPCServiceControls
metadata:
  name: vpc-sc
spec:
  accessPolicy: "123456789012"
  projectNumbers: ["111111111111"]
  members: [user:alice@example.com, group:ml-team@example.com]
  includeCloudBuild: true
  ipSubnetworks: [203.0.113.0/24]
`

// BenchmarkVPCSC runs on benchdata's input with the config above, which
// the function cannot run without; scripts/bench.sh compares it with
// benchdata's BenchmarkIdentity. The function reads every object: the
// clusters for their namespaces and projects, the DNS records for the
// private VIP.
func BenchmarkVPCSC(b *testing.B) {
	benchdata.Run(b, Processor(), withConfig(b, benchdata.ResourceList(b), benchConfig))
}

// withConfig adds a functionConfig to a serialized ResourceList that has
// none. Parsing and writing 176 MB again would take longer than the
// benchmark itself: the config is appended as one more top-level key.
func withConfig(b *testing.B, rl []byte, config string) []byte {
	b.Helper()
	if bytes.Contains(rl, []byte("\nfunctionConfig:")) || !bytes.HasSuffix(rl, []byte("\n")) {
		b.Fatal("the benchmark input already has a functionConfig, or does not end a line")
	}
	var out bytes.Buffer
	out.Write(rl)
	out.WriteString("functionConfig:\n")
	for line := range strings.Lines(config) {
		out.WriteString("  " + line)
	}
	if _, err := fn.ParseKubeObject([]byte(config)); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}
