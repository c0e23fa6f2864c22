package facts

import (
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/kcc"
)

// ExternalRef is a Config Connector external reference to a Compute
// resource taken apart: "projects/<project>/global/networks/<name>" for a
// network, "projects/<project>/regions/<region>/subnetworks/<name>" for a
// subnetwork: the formats the ContainerCluster CRD of Config Connector
// v1.154.1 gives for spec.networkRef.external and spec.subnetworkRef.external
// ("projects/{{projectID}}/global/networks/{{networkID}}",
// "projects/{{projectID}}/regions/{{region}}/subnetworks/{{subnetworkID}}").
// A self link (https://www.googleapis.com/compute/v1/projects/...) reads the
// same.
// Fields the reference does not hold are "".
type ExternalRef struct {
	Project, Region, Collection, Name string
}

// ParseExternal reads an external reference. A bare name (Config Connector
// also accepts one) gives only Name.
func ParseExternal(ref string) ExternalRef {
	s := ref
	if i := strings.Index(s, "/projects/"); i >= 0 {
		s = s[i+1:] // drop a self link's scheme, host and API version
	}
	parts := strings.Split(strings.Trim(s, "/"), "/")
	var out ExternalRef
	for i := 0; i+1 < len(parts); i += 2 {
		switch parts[i] {
		case "projects":
			out.Project = parts[i+1]
		case "regions":
			out.Region = parts[i+1]
		case "global":
			i-- // "global" stands alone, before the collection
		default:
			out.Collection, out.Name = parts[i], parts[i+1]
		}
	}
	if len(parts) == 1 {
		out.Name = parts[0]
	}
	return out
}

// gcpName is the name an object has in GCP (kcc.GCPName).
func gcpName(obj *fn.KubeObject) string { return kcc.GCPName(obj) }

// matchesExternal tells whether obj is the resource ext names: the same
// GCP name, and the same project and region where both are known.
func (p *Package) matchesExternal(obj *fn.KubeObject, region string, ext ExternalRef) bool {
	if ext.Name == "" || gcpName(obj) != ext.Name {
		return false
	}
	if project := p.ProjectID(obj); ext.Project != "" && project != "" && project != ext.Project {
		return false
	}
	return ext.Region == "" || region == "" || region == ext.Region
}

// networkByExternal finds the package's ComputeNetwork an external
// reference names: with Shared VPC the host project's network is often in
// the same render as the service project's cluster. nil when none is, or
// when the reference could mean several.
func (p *Package) networkByExternal(ref string) *Network {
	ext := ParseExternal(ref)
	var found *Network
	for _, n := range p.Networks {
		if p.matchesExternal(n.Object, "", ext) {
			if found != nil {
				return nil
			}
			found = n
		}
	}
	return found
}

// subnetworkByExternal is networkByExternal for a ComputeSubnetwork.
func (p *Package) subnetworkByExternal(ref string) *Subnetwork {
	ext := ParseExternal(ref)
	var found *Subnetwork
	for _, s := range p.Subnetworks {
		if p.matchesExternal(s.Object, s.Spec.Region, ext) {
			if found != nil {
				return nil
			}
			found = s
		}
	}
	return found
}
