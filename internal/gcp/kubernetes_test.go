package gcp

import (
	"strings"
	"testing"
)

func TestIsDNSSubdomain(t *testing.T) {
	long := strings.Repeat("a", 253)
	for in, want := range map[string]bool{
		"kf":                   true,
		"kf.cluster":           true,
		"0kf":                  true,
		"a":                    true,
		long:                   true,
		long + "a":             false, // 254 characters
		"Kf_Cluster":           false,
		"kf-":                  false,
		".kf":                  false,
		"":                     false,
		"bastion runner":       false,
		"ops@kf.example.com":   false,
		"kf-cluster.namespace": true,
	} {
		if got := IsDNSSubdomain(in); got != want {
			t.Errorf("IsDNSSubdomain(%q) = %v, want %v", in, got, want)
		}
	}
}
