package gcp

import (
	"slices"
	"strings"
	"testing"
)

// TestGoogleDomainsAreCited checks what the table promises: every entry is
// a valid zone name, served by at least one known VIP, each VIP with the
// page and the passage that say so, and a record shape with its own.
func TestGoogleDomainsAreCited(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range GoogleDomains {
		if err := CheckDNSName(d.Name); err != nil || strings.HasPrefix(d.Name, "*") {
			t.Errorf("%q is not a zone name: %v", d.Name, err)
		}
		if seen[d.Name] {
			t.Errorf("%s is in the table twice", d.Name)
		}
		seen[d.Name] = true
		if len(d.Served) == 0 {
			t.Errorf("%s names no VIP", d.Name)
		}
		modes := map[string]bool{}
		for _, s := range d.Served {
			if _, ok := VIPFor(s.Mode); !ok || modes[s.Mode] {
				t.Errorf("%s: VIP %q is unknown or listed twice", d.Name, s.Mode)
			}
			modes[s.Mode] = true
			checkCitation(t, d.Name+" on "+s.Mode, s.Source)
		}
		if d.Shape == 0 {
			t.Errorf("%s has no record shape", d.Name)
		}
		checkCitation(t, d.Name+"'s records", RecordShapeSources[d.Shape])
	}
}

func checkCitation(t *testing.T, what string, c Citation) {
	t.Helper()
	if !strings.HasPrefix(c.URL, "https://cloud.google.com/") || len(c.Quote) < 20 {
		t.Errorf("%s: no citation of Google's documentation (%+v)", what, c)
	}
}

// TestPrivateListQuotesTheDomain checks that every private-VIP citation
// quotes a line of Google's list that names the entry's own domain.
func TestPrivateListQuotesTheDomain(t *testing.T) {
	for _, d := range GoogleDomains {
		for _, s := range d.Served {
			if s.Mode == PrivateVIP.Mode && !strings.Contains(s.Source.Quote, d.Name) {
				t.Errorf("%s: the private VIP's citation does not name it: %s", d.Name, s.Source.Quote)
			}
		}
	}
}

func TestGoogleAPIsZone(t *testing.T) {
	apis, ok := LookupGoogleDomain("googleapis.com")
	if !ok || apis.Shape != VIPHostShape || !apis.ServedBy(RestrictedVIP) || !apis.ServedBy(PrivateVIP) {
		t.Fatalf("googleapis.com must be served by both VIPs through the VIP's host name: %+v", apis)
	}
	for _, d := range GoogleDomains {
		if d.Shape == VIPHostShape && d.Name != "googleapis.com" {
			t.Errorf("%s: only googleapis.com holds the VIP's host name", d.Name)
		}
	}
}

func TestDomainsFor(t *testing.T) {
	want := []string{"googleapis.com", "gcr.io", "pkg.dev", "notebooks.cloud.google.com",
		"kernels.googleusercontent.com", "backupdr.cloud.google.com", "backupdr.googleusercontent.com"}
	if got := DomainsFor(RestrictedVIP); !slices.Equal(got, want) {
		t.Errorf("restricted: %v, want %v", got, want)
	}
	private := DomainsFor(PrivateVIP)
	if len(private) != len(GoogleDomains) || private[0] != "googleapis.com" {
		t.Errorf("private: every domain of the table is documented for it, googleapis.com first: %v", private)
	}
	if slices.Contains(DomainsFor(RestrictedVIP), DNSEndpointDomain) {
		t.Error("no page read sends gke.goog to the restricted VIP")
	}
}

func TestDocumentedFor(t *testing.T) {
	for _, tt := range []struct {
		name       string
		vip        VIP
		documented string // the entry, "" for none
		elsewhere  string
	}{
		{"gcr.io", RestrictedVIP, "gcr.io", ""},
		{"us-docker.pkg.dev", RestrictedVIP, "pkg.dev", ""},
		{"storage.googleapis.com", PrivateVIP, "googleapis.com", ""},
		{"run.app", RestrictedVIP, "", "run.app"},
		{"x.gke.goog", RestrictedVIP, "", "gke.goog"},
		{"packages.cloud.google.com", PrivateVIP, "packages.cloud.google.com", ""},
		// A host listed alone documents no name under it.
		{"x.packages.cloud.google.com", PrivateVIP, "", ""},
		{"pkg.go.dev", PrivateVIP, "", ""},
		{"example.com", RestrictedVIP, "", ""},
	} {
		d, ok := DocumentedFor(tt.name, tt.vip)
		if ok != (tt.documented != "") || d.Name != tt.documented {
			t.Errorf("DocumentedFor(%s, %s) = %q, %v; want %q", tt.name, tt.vip.Mode, d.Name, ok, tt.documented)
		}
		e, ok := DocumentedElsewhere(tt.name, tt.vip)
		if ok != (tt.elsewhere != "") || e.Name != tt.elsewhere {
			t.Errorf("DocumentedElsewhere(%s, %s) = %q, %v; want %q", tt.name, tt.vip.Mode, e.Name, ok, tt.elsewhere)
		}
	}
}

func TestShapeFor(t *testing.T) {
	for name, want := range map[string]RecordShape{
		"googleapis.com":            VIPHostShape,
		"gcr.io":                    ApexWildcardShape,
		"packages.cloud.google.com": HostShape,
		"example.com":               ApexWildcardShape, // Google's procedure for any other domain
	} {
		if got := ShapeFor(name); got != want {
			t.Errorf("ShapeFor(%s) = %d, want %d", name, got, want)
		}
	}
}
