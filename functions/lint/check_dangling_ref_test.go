package lint

import (
	"strings"
	"testing"
)

func TestCamelWords(t *testing.T) {
	for in, want := range map[string]string{
		"nextHopInstance":      "next Hop Instance",
		"nextHopILB":           "next Hop ILB",
		"bootDiskKMSCryptoKey": "boot Disk KMS Crypto Key",
		"network":              "network",
		"sslPolicy":            "ssl Policy",
	} {
		if got := strings.Join(camelWords(in), " "); got != want {
			t.Errorf("camelWords(%q) = %q, want %q", in, got, want)
		}
	}
}
