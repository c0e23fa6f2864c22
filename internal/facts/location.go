package facts

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// RegionOf is the region a location names: a zone's region, or the
// region itself; "" when location is neither (gcp.RegionOfLocation).
func RegionOf(location string) string { return gcp.RegionOfLocation(location) }

// IsRegion tells whether location names a region.
func IsRegion(location string) bool { return gcp.IsRegionName(location) }

// IsZone tells whether location names a zone rather than a region.
func IsZone(location string) bool { return gcp.IsZoneName(location) }

// Problem is something wrong with one field of one object, found while
// reading the package, for a function to report as it sees fit.
type Problem struct {
	Object  *fn.KubeObject
	Field   string
	Message string
}

// SubnetworkRegionSource is the object and field SubnetworkRegion reads:
// the package's ComputeSubnetwork and spec.region, or the cluster and its
// spec.subnetworkRef.external; nil when neither says.
func (c *Cluster) SubnetworkRegionSource() (*fn.KubeObject, string) {
	if s := c.Subnetwork; s != nil && s.Spec.Region != "" {
		return s.Object, "spec.region"
	}
	if r := c.Spec.SubnetworkRef; r != nil && r.External != "" && ParseExternal(r.External).Region != "" {
		return c.Object, "spec.subnetworkRef.external"
	}
	return nil, ""
}

// SubnetworkRegion is the region of the cluster's subnetwork, from the
// package's ComputeSubnetwork or from its external reference, and where
// that was read; "" when neither says.
func (c *Cluster) SubnetworkRegion() (region, from string) {
	if s := c.Subnetwork; s != nil && s.Spec.Region != "" {
		return s.Spec.Region, s.Object.GetKind() + " " + s.Object.GetName() + " spec.region"
	}
	if r := c.Spec.SubnetworkRef; r != nil && r.External != "" {
		if region := ParseExternal(r.External).Region; region != "" {
			return region, "spec.subnetworkRef.external"
		}
	}
	return "", ""
}

// LocationProblems checks that the cluster, its node pools and its
// subnetwork agree on where they are. GKE puts a cluster's nodes in its
// subnetwork, which is regional, so the subnetwork must be in the
// cluster's region; node locations "must be in the region of their
// regional cluster or in the same region as their cluster's zone" (the
// ContainerCluster CRD of Config Connector v1.154.1, spec.nodeLocations);
// a ContainerNodePool's spec.location is "the location (region or zone) of
// the cluster" (its CRD).
func (c *Cluster) LocationProblems() []Problem {
	var out []Problem
	add := func(obj *fn.KubeObject, field, format string, args ...any) {
		out = append(out, Problem{Object: obj, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if sub, from := c.SubnetworkRegion(); sub != "" && RegionOf(sub) != sub {
		obj, field := c.Object, "spec.subnetworkRef.external"
		if c.Subnetwork != nil {
			obj, field = c.Subnetwork.Object, "spec.region"
		}
		add(obj, field, "%q (%s) is not a GCP region: write one such as us-central1", sub, from)
		return out
	}
	region := RegionOf(c.Spec.Location)
	if region == "" {
		add(c.Object, "spec.location", "%q is not a GCP region or zone: write a region such as us-central1 (a regional cluster) or a zone such as us-central1-a (a zonal one)", c.Spec.Location)
		return out
	}
	if sub, from := c.SubnetworkRegion(); sub != "" && sub != region {
		obj, field := c.Object, "spec.location"
		if c.Subnetwork != nil {
			obj, field = c.Subnetwork.Object, "spec.region"
		}
		add(obj, field, "ContainerCluster %s is in %s (spec.location %s) but its subnetwork is in %s (%s): GKE puts the nodes in the subnetwork, which must be in the cluster's region; move one of them",
			c.Name(), region, c.Spec.Location, sub, from)
	}
	out = append(out, zonesOutside(c.Object, "spec.nodeLocations", c.Spec.NodeLocations, region)...)
	for _, np := range c.NodePools {
		switch {
		case np.Spec.Location == "":
			add(np.Object, "spec.location", "the node pool names no location: set spec.location to its cluster's, %q (ContainerCluster %s)", c.Spec.Location, c.Name())
		case np.Spec.Location != c.Spec.Location:
			add(np.Object, "spec.location", "node pool location %q is not its cluster's (ContainerCluster %s is at %q): a ContainerNodePool's location is the location of its cluster",
				np.Spec.Location, c.Name(), c.Spec.Location)
		}
		out = append(out, zonesOutside(np.Object, "spec.nodeLocations", np.Spec.NodeLocations, region)...)
	}
	return out
}

// zonesOutside reports the zones of a nodeLocations list that are not in
// the cluster's region.
func zonesOutside(obj *fn.KubeObject, field string, zones []string, region string) []Problem {
	var out []Problem
	for i, z := range zones {
		if !IsZone(z) || RegionOf(z) != region {
			out = append(out, Problem{Object: obj, Field: fmt.Sprintf("%s[%d]", field, i),
				Message: fmt.Sprintf("%q is not a zone of the cluster's region %s: nodes must be in the cluster's region%s", z, region, zoneExample(region))})
		}
	}
	return out
}

// zoneExample names a zone of region for a message: one Google lists
// (gcp.ZonesOf), or none when the table does not know its zones (not
// every region has a zone a: europe-west1 has b, c and d).
func zoneExample(region string) string {
	if zones := gcp.ZonesOf(region); len(zones) > 0 {
		return ", such as " + zones[0]
	}
	return ""
}

// UnattachedNodePools are the node pools whose spec.clusterRef names, by
// name, a ContainerCluster the package does not have, while the package
// has clusters: most often a typo or a rename, after which the functions
// that harden a cluster's nodes (private nodes, tags, node identity)
// would pass the pool over without a word. A pool that names its cluster
// by external, or a package with no cluster at all (a node pool package
// of its own), is not reported.
func (p *Package) UnattachedNodePools() []Problem {
	if len(p.Clusters) == 0 {
		return nil
	}
	names := make([]string, len(p.Clusters))
	for i, c := range p.Clusters {
		names[i] = c.Name()
	}
	var out []Problem
	for _, np := range p.NodePools {
		if np.Cluster != nil || np.Spec.ClusterRef.Name == "" {
			continue
		}
		out = append(out, Problem{Object: np.Object, Field: "spec.clusterRef.name", Message: fmt.Sprintf(
			"the clusterRef of %s names ContainerCluster %q, which is not in the package (it has %s): its nodes would be left as they are; correct the name, or name a cluster made elsewhere by spec.clusterRef.external",
			results.Describe(np.Object), np.Spec.ClusterRef.Name, strings.Join(names, ", "))})
	}
	return out
}
