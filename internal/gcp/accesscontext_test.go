package gcp

import (
	"strings"
	"testing"
)

func TestAccessContextRules(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"kubeflow_access", true},
		{"Office_Or_DE", true},
		{"a", true},
		{"a" + strings.Repeat("b", MaxAccessContextNameLength-1), true},
		{"a" + strings.Repeat("b", MaxAccessContextNameLength), false},
		{"kubeflow-access", false},
		{"1level", false},
		{"_level", false},
		{"", false},
	} {
		if got := IsAccessContextName(tc.in); got != tc.want {
			t.Errorf("IsAccessContextName(%q) = %v", tc.in, got)
		}
	}
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"storage.googleapis.com", true},
		{"container-filesystem.googleapis.com", true},
		{"storage", false},
		{"Storage.googleapis.com", false},
		{"storage.googleapis.com.", false},
		{"*.googleapis.com", false},
		{"RESTRICTED-SERVICES", false},
	} {
		if got := IsServiceName(tc.in); got != tc.want {
			t.Errorf("IsServiceName(%q) = %v", tc.in, got)
		}
	}
	for _, tc := range []struct {
		in   string
		want bool
	}{{"DE", true}, {"US", true}, {"de", false}, {"DEU", false}, {"D", false}, {"", false}} {
		if got := IsRegionCode(tc.in); got != tc.want {
			t.Errorf("IsRegionCode(%q) = %v", tc.in, got)
		}
	}
}
