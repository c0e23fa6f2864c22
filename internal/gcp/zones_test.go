package gcp

import (
	"reflect"
	"sort"
	"testing"
)

func TestKnownRegion(t *testing.T) {
	for _, r := range []string{"us-central1", "europe-west1", "us-west1", "africa-south1", "asia-southeast3", "northamerica-northeast1"} {
		if !KnownRegion(r) {
			t.Errorf("KnownRegion(%q) = false, want true", r)
		}
	}
	for _, r := range []string{"", "us-central1-", "US-CENTRAL1", "us-central1-a", "us-central", "uscentral1", " us-central1", "us-central1 ", "us-central9", "eu-west-1"} {
		if KnownRegion(r) {
			t.Errorf("KnownRegion(%q) = true, want false", r)
		}
	}
}

func TestKnownZone(t *testing.T) {
	for _, z := range []string{
		"us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f",
		"europe-west1-b", "europe-west1-c", "europe-west1-d",
		"us-west1-a", "asia-east1-c",
	} {
		if !KnownZone(z) {
			t.Errorf("KnownZone(%q) = false, want true", z)
		}
	}
	for _, z := range []string{
		"europe-west1-a", // the source lists b, c and d only
		"us-central1-d", "us-central1-e", "us-west1-d",
		"", "-", "a", "us-central1", "us-central1-", "us-central1--", "us-central1-ab",
		"US-CENTRAL1-A", "us-central1-A", "us-central1_a", "us-central1-a ",
		"us-central1-ai1a", "us-central9-a", "eu-west-1a",
	} {
		if KnownZone(z) {
			t.Errorf("KnownZone(%q) = true, want false", z)
		}
	}
}

func TestZonesOf(t *testing.T) {
	cases := map[string][]string{
		"us-central1":  {"us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"},
		"europe-west1": {"europe-west1-b", "europe-west1-c", "europe-west1-d"},
		"us-west1":     {"us-west1-a", "us-west1-b", "us-west1-c"},
	}
	for r, want := range cases {
		if got := ZonesOf(r); !reflect.DeepEqual(got, want) {
			t.Errorf("ZonesOf(%q) = %q, want %q", r, got, want)
		}
	}
	for _, r := range []string{"", "us-central1-", "US-CENTRAL1", "us-central1-a", "nowhere1"} {
		if got := ZonesOf(r); got != nil {
			t.Errorf("ZonesOf(%q) = %q, want nil", r, got)
		}
	}
}

// Every row agrees with itself and with the name shapes in location.go: the
// region has a region's shape, its zones are sorted, each has a zone's
// shape, is known, and belongs to the region.
func TestZoneTableConsistent(t *testing.T) {
	if len(zoneLetters) == 0 {
		t.Fatal("empty table")
	}
	for r, letters := range zoneLetters {
		if !IsRegionName(r) {
			t.Errorf("%q is not shaped like a region", r)
		}
		if (letters != "") != ZonesKnown(r) {
			t.Errorf("ZonesKnown(%q) = %v with letters %q", r, ZonesKnown(r), letters)
		}
		zones := ZonesOf(r)
		if len(zones) != len(letters) {
			t.Errorf("ZonesOf(%q) = %q, want %d zones (%q)", r, zones, len(letters), letters)
		}
		if !sort.StringsAreSorted(zones) {
			t.Errorf("ZonesOf(%q) = %q, not sorted", r, zones)
		}
		seen := map[string]bool{}
		for _, z := range zones {
			if seen[z] {
				t.Errorf("ZonesOf(%q) repeats %q", r, z)
			}
			seen[z] = true
			if !IsZoneName(z) || !KnownZone(z) || RegionOfLocation(z) != r {
				t.Errorf("zone %q of %q: IsZoneName %v, KnownZone %v, region %q", z, r, IsZoneName(z), KnownZone(z), RegionOfLocation(z))
			}
		}
	}
}

// ZonesOf hands out a fresh slice: changing it does not change the table.
func TestZonesOfCopy(t *testing.T) {
	z := ZonesOf("us-central1")
	z[0] = "changed"
	if got := ZonesOf("us-central1")[0]; got != "us-central1-a" {
		t.Errorf("ZonesOf shares its slice: got %q", got)
	}
}

// A region whose zones the table does not list is known, and no zone of
// it is claimed.
func TestRegionWithoutZones(t *testing.T) {
	if !KnownRegion("us-east1") || ZonesKnown("us-east1") || ZonesOf("us-east1") != nil || KnownZone("us-east1-b") {
		t.Errorf("us-east1: KnownRegion %v, ZonesKnown %v, ZonesOf %q, KnownZone(us-east1-b) %v",
			KnownRegion("us-east1"), ZonesKnown("us-east1"), ZonesOf("us-east1"), KnownZone("us-east1-b"))
	}
	if !ZonesKnown("europe-west1") {
		t.Error("europe-west1's zones are in the table")
	}
}
