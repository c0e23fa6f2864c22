package gcp

import (
	"sort"
	"strings"
)

// RegionsSource names the pages the table below was read from. None of
// them showed a "Last updated" date in what could be read of it.
const RegionsSource = "Google's lists of regions and zones: https://docs.cloud.google.com/memorystore/docs/cluster/locations and the other pages internal/gcp/zones.go names"

// zoneLetters maps a region to the letters of its zones: "abcf" means
// <region>-a, -b, -c and -f.
//
// The table is partial on purpose. Compute Engine's own list
// (https://cloud.google.com/compute/docs/regions-zones, "Available regions
// and zones") could not be read whole, so each row below is one whose every
// zone a Google Cloud page was seen to list, and a region is left out
// rather than guessed when no page showed all its zones. A region left
// out is only "not known" (gcprules warns and says a new region may be
// fine); a zone letter left out of a row that is here would be an error,
// so no row names fewer zones than Google does, as far as these pages say.
//
// The pages, all Google's own:
//
//   - Memorystore for Redis Cluster locations, "Supported regions"
//     (https://docs.cloud.google.com/memorystore/docs/cluster/locations):
//     africa-south1 to australia-southeast2. It is that product's list.
//   - Memorystore for Valkey locations, "Supported regions"
//     (https://docs.cloud.google.com/memorystore/docs/valkey/locations):
//     the same rows, and europe-central2 and europe-north1. It is that
//     product's list.
//   - Compute Engine, Regions and zones, an older version of the page
//     whose table came first (https://cloud.google.com/compute/docs/regions-zones/):
//     europe-west1 (b, c, d: it has no zone a), europe-west2, europe-west3,
//     europe-west4 and northamerica-northeast1.
//   - The introductions of the Compute Engine page ("the us-west1 region
//     ... has three zones: us-west1-a, us-west1-b, and us-west1-c") and of
//     the Memorystore pages ("the us-central1 region ... has zones
//     us-central1-a, us-central1-b, us-central1-c, and us-central1-f").
//
// Google's region-only lists (Memorystore, Batch, Workload Manager, Unified
// Maintenance locations, such as
// https://docs.cloud.google.com/unified-maintenance/docs/locations) also
// name europe-north2, europe-southwest1, europe-west6, -8, -9, -10 and
// -12, me-central1, me-central2, me-west1, northamerica-northeast2,
// northamerica-south1, southamerica-east1, southamerica-west1, us-east1,
// us-east4, us-east5, us-south1, us-west2, us-west3 and us-west4. They are
// rows with no letters: known regions whose zones no page read showed
// whole, so any zone letter of theirs is taken (ZonesKnown). AI zones (us-central1-ai1a, us-south1-ai1b) are not
// here either: they do not have the <region>-<letter> shape IsZoneName
// checks.
var zoneLetters = map[string]string{
	"africa-south1":           "abc",
	"asia-east1":              "abc",
	"asia-east2":              "abc",
	"asia-northeast1":         "abc",
	"asia-northeast2":         "abc",
	"asia-northeast3":         "abc",
	"asia-south1":             "abc",
	"asia-south2":             "abc",
	"asia-southeast1":         "abc",
	"asia-southeast2":         "abc",
	"asia-southeast3":         "abc",
	"australia-southeast1":    "abc",
	"australia-southeast2":    "abc",
	"europe-central2":         "abc",
	"europe-north1":           "abc",
	"europe-west1":            "bcd",
	"europe-west2":            "abc",
	"europe-west3":            "abc",
	"europe-west4":            "abc",
	"northamerica-northeast1": "abc",
	"us-central1":             "abcf",
	"us-west1":                "abc",

	// Regions whose zones are not known here (above).
	"europe-north2":           "",
	"europe-southwest1":       "",
	"europe-west6":            "",
	"europe-west8":            "",
	"europe-west9":            "",
	"europe-west10":           "",
	"europe-west12":           "",
	"me-central1":             "",
	"me-central2":             "",
	"me-west1":                "",
	"northamerica-northeast2": "",
	"northamerica-south1":     "",
	"southamerica-east1":      "",
	"southamerica-west1":      "",
	"us-east1":                "",
	"us-east4":                "",
	"us-east5":                "",
	"us-south1":               "",
	"us-west2":                "",
	"us-west3":                "",
	"us-west4":                "",
}

// ZonesKnown reports whether the table lists region's zones, so that a
// zone of region it does not list is one GCP does not have.
func ZonesKnown(region string) bool { return zoneLetters[region] != "" }

// KnownRegion reports whether region is in the table.
func KnownRegion(region string) bool {
	_, ok := zoneLetters[region]
	return ok
}

// KnownZone reports whether zone is in the table (zone like "us-central1-a").
func KnownZone(zone string) bool {
	i := strings.LastIndexByte(zone, '-')
	if i < 0 || len(zone)-i != 2 {
		return false
	}
	letters, ok := zoneLetters[zone[:i]]
	return ok && strings.IndexByte(letters, zone[i+1]) >= 0
}

// ZonesOf returns the table's zones of region, sorted; nil if unknown
// (an unknown region, or one whose zones are not known: ZonesKnown).
func ZonesOf(region string) []string {
	letters := zoneLetters[region]
	if letters == "" {
		return nil
	}
	zones := make([]string, 0, len(letters))
	for i := 0; i < len(letters); i++ {
		zones = append(zones, region+"-"+letters[i:i+1])
	}
	sort.Strings(zones)
	return zones
}
