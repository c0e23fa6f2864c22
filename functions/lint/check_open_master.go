package lint

import (
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// openMasters is the open-master check. It catches a control plane open
// to the internet, by private-cluster's rule (gcp.OpensControlPlane): a
// master authorized network that is a public range of /8 or wider
// (0.0.0.0/0 above all), or a public endpoint without master authorized
// networks, which answers every address. Private nodes do not help when
// anyone on the internet can reach the cluster's API server. The user
// lists the operators' ranges, or makes the endpoint private. Letting
// every Google Cloud VM in (gcpPublicCidrsAccessEnabled) is a warning.
//
// Only the IP-based endpoints are judged so: with them off
// (ipEndpointsConfig.enabled: false) authorized networks and the public
// address are not used (the CRD), and nothing is flagged. The DNS-based
// endpoint with allowExternalTraffic is reachable from wherever Google
// APIs are, but IAM decides who gets in and VPC Service Controls can fence
// it (gcp.DNSEndpointDomain: About network isolation, whose best practice
// is to use only that endpoint), so lint counts it as guarded, not open:
// an info says so and names the perimeter's services that guard it.
func openMasters(l *linter) []finding {
	var out []finding
	for _, c := range l.pkg.Clusters {
		out = append(out, openMaster(c, l.res)...)
	}
	return out
}

// openMaster reports how the control plane of c is open. A cidrBlock that
// is not a CIDR range is the reader's error (facts), not a finding.
func openMaster(c *facts.Cluster, res *results.Collector) []finding {
	cp := c.ControlPlane()
	var out []finding
	if cp.DNSEndpoint {
		out = append(out, infoAt(c.Object, facts.DNSEndpointField,
			"the DNS-based endpoint (*.%s) of %s takes user traffic from wherever Google APIs are reachable, and IAM decides who gets in: lint counts it as guarded, not open; keep %s among the restricted services of the project's VPC Service Controls perimeter to fence it by network as well",
			gcp.DNSEndpointDomain, results.Describe(c.Object), strings.Join(gcp.DNSEndpointServices, " and ")))
	}
	if !cp.IPEndpoints {
		return out // no IP endpoint answers: authorized networks are not used
	}
	man := c.Spec.MasterAuthorizedNetworksConfig
	privateEndpoint := !cp.PublicIPEndpoint
	if man == nil {
		if privateEndpoint {
			return out
		}
		return append(out, errorAt(c.Object, "spec.masterAuthorizedNetworksConfig",
			"%s has a public control plane endpoint and no master authorized networks, so every address on the internet can reach it: list the operators' ranges under spec.masterAuthorizedNetworksConfig.cidrBlocks (private-cluster's masterAuthorizedNetworks), or set spec.privateClusterConfig.enablePrivateEndpoint: true",
			results.Describe(c.Object)))
	}
	for _, n := range c.AuthorizedNetworks(res) {
		if gcp.OpensControlPlane(n.Prefix) {
			out = append(out, errorAt(c.Object, n.Field,
				"%s opens the control plane of %s to a public /%d: list the operators' ranges instead (private-cluster refuses public ranges of /%d or wider)",
				n.Text, results.Describe(c.Object), n.Prefix.Bits(), gcp.WidestAuthorizedNetworkBits))
		}
	}
	if man.GcpPublicCidrsAccessEnabled != nil && *man.GcpPublicCidrsAccessEnabled && !privateEndpoint {
		out = append(out, warningAt(c.Object, "spec.masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
			"every Google Cloud VM's public address, anyone's, may reach the control plane of %s: set it to false unless something outside your VPC needs the endpoint",
			results.Describe(c.Object)))
	}
	return out
}
