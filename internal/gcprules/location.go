package gcprules

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// Locations are checked against gcp's table of regions and zones (its
// source in gcp.RegionsSource). A name that has no region's or zone's
// shape is an error; a well-formed region the table lacks is a warning,
// since GCP opens regions after the table was written; a zone the table
// does not list for a region it knows is an error, since a zone is not
// added to a region often and a wrong letter (europe-west1-a) is a common
// slip that otherwise shows only when GCP refuses the object.

// regionField checks a field that names a region; zoneField, a zone.
func regionField(fields ...string) rule { return nameField(checkRegion, fields) }
func zoneField(fields ...string) rule   { return nameField(checkZone, fields) }

// nameField checks the string at fields, when set, with check.
func nameField(check func(v *violations, field, name string) bool, fields []string) rule {
	return func(obj *fn.KubeObject, v *violations) {
		name, found, err := obj.NestedString(fields...)
		if err != nil || found {
			check(v, strings.Join(fields, "."), name)
		}
	}
}

// optionalRegion checks a ComputeAddress's spec.location: a region, or
// "global" for a global address (Config Connector's ComputeAddress:
// "Location represents the geographical location of the ComputeAddress.
// Specify a region name or "global" for global resources").
func optionalRegion(obj *fn.KubeObject, v *violations) {
	loc, found, err := obj.NestedString("spec", "location")
	if err != nil || found && loc != "global" {
		checkRegion(v, "spec.location", loc)
	}
}

// clusterLocation checks a GKE cluster's or node pool's spec.location: a
// region (a regional cluster) or a zone (a zonal one).
func clusterLocation(obj *fn.KubeObject, v *violations) {
	loc, found, err := obj.NestedString("spec", "location")
	switch {
	case err != nil || found && loc == "":
		v.add("spec.location", "spec.location must name a region (us-central1) or a zone (us-central1-a)")
	case !found:
	case gcp.IsZoneName(loc):
		checkZone(v, "spec.location", loc)
	default:
		checkRegion(v, "spec.location", loc)
	}
}

// nodeLocations checks that each of spec.nodeLocations is a zone GCP
// has. That they are in the cluster's region is the location rule of
// private-cluster and lint (facts.LocationProblems), not repeated here.
func nodeLocations(obj *fn.KubeObject, v *violations) {
	zones, _, err := obj.NestedStringSlice("spec", "nodeLocations")
	if err != nil {
		v.add("spec.nodeLocations", "spec.nodeLocations must be a list of zones as strings")
		return
	}
	for i, z := range zones {
		checkZone(v, "spec.nodeLocations["+strconv.Itoa(i)+"]", z)
	}
}

func checkRegion(v *violations, field, region string) bool {
	switch {
	case !gcp.IsRegionName(region):
		v.add(field, "%s %q is not a GCP region: a region is written like us-central1 or europe-west4%s", field, region, zoneHint(region))
		return false
	case !gcp.KnownRegion(region):
		v.warn(field, "%s %q is not among the regions Google lists (%s): check the spelling; if it is a new region, ignore this", field, region, gcp.RegionsSource)
	}
	return true
}

// checkZone reports whether zone is a zone the object may name.
func checkZone(v *violations, field, zone string) bool {
	region := gcp.RegionOfLocation(zone)
	switch {
	case !gcp.IsZoneName(zone):
		v.add(field, "%s %q is not a GCP zone: a zone is written like us-central1-a", field, zone)
		return false
	case !gcp.KnownRegion(region):
		v.warn(field, "%s %q is in %s, which is not among the regions Google lists (%s): check the spelling; if it is a new region, ignore this", field, zone, region, gcp.RegionsSource)
	case gcp.ZonesKnown(region) && !gcp.KnownZone(zone):
		v.add(field, "%s %q does not exist: region %s has zones %s (%s)", field, zone, region, strings.Join(gcp.ZonesOf(region), ", "), gcp.RegionsSource)
		return false
	}
	return true
}

// zoneHint suggests the region of a zone written where a region belongs.
func zoneHint(s string) string {
	if gcp.IsZoneName(s) {
		return " (" + s + " is a zone; its region is " + gcp.RegionOfLocation(s) + ")"
	}
	return ""
}
