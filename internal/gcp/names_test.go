package gcp

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// validName is what GCP accepts for a resource name or network tag.
var validName = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

func TestName(t *testing.T) {
	cluster := Namer{Lead: ClusterLead}
	account := Namer{Max: MaxAccountIDLength, Lead: ClusterLead}
	network := Namer{Lead: "n-"}
	a55, a56 := strings.Repeat("a", 55), strings.Repeat("a", 56)
	for _, tt := range []struct {
		namer  Namer
		stem   string
		suffix []string
		want   string
	}{
		// Names short enough stay as they are.
		{cluster, "kf", []string{"bastion"}, "kf-bastion"},
		{cluster, "kf-net", []string{"us-central1", "router"}, "kf-net-us-central1-router"},
		{cluster, a55, []string{"bastion"}, a55 + "-bastion"}, // 63 characters
		{account, "kubeflow-production-eu", []string{"bastion"}, "kubeflow-production-eu-bastion"},
		// What GCP refuses is mended: case, dots and other characters, a
		// leading digit (the lead differs between functions), trailing
		// hyphens, empty suffixes.
		{cluster, "1st.cluster", []string{"bastion"}, "c-1st-cluster-bastion"},
		{Namer{Lead: "n"}, "1net", []string{"egress-fqdn"}, "n1net-egress-fqdn"},
		{network, "01-net", nil, "n-01-net"},
		{network, "KF.Net_01", nil, "kf-net-01"},
		{network, "net-", []string{""}, "net"},
		{network, "kf-net", []string{"gcr.io", "A"}, "kf-net-gcr-io-a"},
		// Too long: the suffixes stay whole, the stem is cut and followed by
		// six hex digits of the SHA-256 of the stem.
		{cluster, a56, []string{"bastion"}, strings.Repeat("a", 48) + "-b35439-bastion"},
		{account, "kubeflow-production-eu1", []string{"bastion"}, "kubeflow-produc-77cfb8-bastion"},
		{cluster, "kubeflow-training-platform-us-central1-prod", []string{"allow-intra-cluster-egress"},
			"kubeflow-training-platform-us-d21a84-allow-intra-cluster-egress"},
		{cluster, strings.Repeat("a", 100), nil, a56 + "-281659"},
		// Suffixes too long to keep whole: the whole name is cut.
		{cluster, "kf", []string{strings.Repeat("x", 70)}, "kf-" + strings.Repeat("x", 53) + "-3b88bc"},
	} {
		got := tt.namer.Name(tt.stem, tt.suffix...)
		if got != tt.want {
			t.Errorf("%+v.Name(%q, %q) = %q, want %q", tt.namer, tt.stem, tt.suffix, got, tt.want)
		}
	}
}

// Every name is valid, fits, is the same on every call, and two stems that
// share a long beginning give different names.
func TestNameProperties(t *testing.T) {
	stems := []string{"a", "kf", "9", "x.y.z", "UPPER", "-", "", strings.Repeat("ab-", 30),
		strings.Repeat("a", 100) + "1", strings.Repeat("a", 100) + "2"}
	suffixes := [][]string{nil, {"bastion"}, {"us-central1", "router"}, {"extra-" + strings.Repeat("x", 30)}, {strings.Repeat("y", 80)}}
	for _, namer := range []Namer{{Lead: ClusterLead}, {Lead: "n"}, {Max: MaxAccountIDLength, Lead: ClusterLead}} {
		for _, suffix := range suffixes {
			seen := map[string]string{}
			for _, stem := range stems {
				name := namer.Name(stem, suffix...)
				if !validName.MatchString(name) || len(name) > namer.limit() {
					t.Errorf("%+v.Name(%q, %q) = %q: not a valid name of at most %d characters", namer, stem, suffix, name, namer.limit())
				}
				if again := namer.Name(stem, suffix...); again != name {
					t.Errorf("%+v.Name(%q, %q) gave %q, then %q", namer, stem, suffix, name, again)
				}
				if other, dup := seen[name]; dup && namer.Sanitize(other) != namer.Sanitize(stem) {
					t.Errorf("%+v: stems %q and %q both give %q", namer, other, stem, name)
				}
				seen[name] = stem
			}
		}
	}
}

func TestWithHash(t *testing.T) {
	for _, tt := range []struct {
		s, key string
		max    int
		want   string
	}{
		// Short: the hash is added all the same (two same-named networks).
		{"vpc", "projects/a/global/networks/vpc", MaxNameLength, "vpc-e35265"},
		// Cut, and no hyphen left before the hash.
		{"abc-def", "k", 11, "abc-" + Hash("k", NameHashLength)},
	} {
		if got := WithHash(tt.s, tt.key, tt.max); got != tt.want {
			t.Errorf("WithHash(%q, %q, %d) = %q, want %q", tt.s, tt.key, tt.max, got, tt.want)
		}
	}
	if got := Hash("x", 8); got != "2d711642" {
		t.Errorf("Hash(x, 8) = %q", got)
	}
}

// BastionTag is the one tag bastion and cluster-firewall both use; it is a
// valid network tag for every cluster name.
func TestBastionTag(t *testing.T) {
	for cluster, want := range map[string]string{
		"kubeflow":                     "kubeflow-bastion",
		"1kf":                          "c-1kf-bastion",
		strings.Repeat("kubeflow-", 8): "kubeflow-kubeflow-kubeflow-kubeflow-kubeflow-kub-3b39e2-bastion",
	} {
		if got := BastionTag(cluster); got != want {
			t.Errorf("BastionTag(%q) = %q, want %q", cluster, got, want)
		}
	}
	for n := range 80 {
		cluster := fmt.Sprintf("c%s", strings.Repeat("x", n))
		if tag := BastionTag(cluster); !validName.MatchString(tag) || len(tag) > MaxNameLength {
			t.Errorf("BastionTag(%q) = %q is no valid network tag", cluster, tag)
		}
	}
}
