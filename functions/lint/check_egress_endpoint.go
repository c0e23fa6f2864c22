package lint

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// egressEndpoints is the egress-endpoint check. It catches an outside
// endpoint the package declares it will call (facts.Endpoints: an Istio
// RequestAuthentication's jwksUri or issuer, a ServiceEntry's hosts, the
// OIDC issuer of oauth2-proxy or of a Dex connector) that no way out of a
// private cluster's fence reaches. Kubeflow behind IAP is the classic
// case: Istio must download IAP's keys from www.gstatic.com
// (gcp.IAPKeysURL), and without them every request is refused. A way out
// needs all three of: a route to the internet for the nodes, a Cloud NAT
// (private nodes have no external address), and a firewall that lets the
// host out, which for a host name behind a deny-all egress rule is a
// firewall policy rule naming it (cloud-nat's allowedHosts), evaluated
// before the VPC rules. A host under a private DNS zone of the network is
// not outside (it resolves to the VIP or to the network) and is not
// checked here. An admission webhook called by URL is the API server's
// egress, which GKE governs apart from the nodes' ("Restrict egress
// traffic from the API server": restriction level NONE "blocks direct
// egress traffic from the API server to admission webhook servers that
// run outside of the cluster", while "traffic from your nodes" is not
// affected; https://cloud.google.com/kubernetes-engine/networking/docs/restrict-egress-control-plane,
// read 2026-12-02): an info, not a finding.
func egressEndpoints(l *linter) []finding {
	endpoints := facts.Endpoints(l.items, l.res)
	clusters := l.privateClusters()
	var out []finding
	for _, e := range endpoints {
		if e.ByControlPlane {
			out = append(out, infoAt(e.Object, e.Field, "%s:%d: %s from the control plane, not from the nodes: GKE's control plane egress setting decides whether it is reached, not the nodes' fence, so lint does not check it", e.Host, e.Port, e.Need))
			continue
		}
		for _, c := range clusters {
			if f, blocked := l.egressTo(c, e); blocked {
				out = append(out, f)
			}
		}
	}
	return out
}

// egressTo says whether the endpoint cannot leave the cluster's network,
// and if so the finding that says why and what opens it.
func (l *linter) egressTo(c *facts.Cluster, e facts.Endpoint) (finding, bool) {
	if c.NetworkID() == "" || l.inside(c, e) {
		return finding{}, false
	}
	var problems []string
	if p := l.internetRouteProblem(c); p != "" {
		problems = append(problems, p)
	}
	if p := l.natProblem(c); p != "" {
		problems = append(problems, p)
	}
	fw, onlyAddressRules := l.firewallProblem(c, e)
	if fw != "" {
		problems = append(problems, fw)
	}
	if len(problems) == 0 {
		return finding{}, false
	}
	msg := fmt.Sprintf("%s:%d, which %s (%s), cannot be reached from the nodes of %s: %s; %s",
		e.Host, e.Port, describeObject(e), e.Need, results.Describe(c.Object), strings.Join(problems, "; "), openingFor(e))
	if onlyAddressRules && len(problems) == 1 {
		return warningAt(e.Object, e.Field, "%s", msg), true
	}
	return errorAt(e.Object, e.Field, "%s", msg), true
}

// inside tells whether the endpoint is not on the internet as seen from
// the cluster's network: a private address, or a name under a private DNS
// zone the network sees.
func (l *linter) inside(c *facts.Cluster, e facts.Endpoint) bool {
	if a, ok := e.Addr(); ok {
		return a.IsPrivate() || a.IsLoopback()
	}
	return l.privateZoneFor(strings.TrimPrefix(e.Host, "*."), c.NetworkID())
}

// internetRouteProblem says why no route takes the nodes to the internet,
// or "": GCP's own default route (unless the network deletes it) or a
// route to 0.0.0.0/0 through the default internet gateway that is not
// limited to tags no node carries.
func (l *linter) internetRouteProblem(c *facts.Cluster) string {
	tags := allNodeTags(c)
	for _, r := range l.pkg.DefaultRoutesFor(c) {
		if r.Object == nil {
			return ""
		}
		gw := r.Spec.NextHopGateway
		applies := len(r.Spec.Tags) == 0 || slices.ContainsFunc(r.Spec.Tags, func(t string) bool { return slices.Contains(tags, t) })
		if gw != nil && *gw == gcp.DefaultInternetGateway && applies {
			return ""
		}
	}
	return fmt.Sprintf("network %s deletes its default route and no route to 0.0.0.0/0 through %s serves the nodes", c.NetworkID().Name(), gcp.DefaultInternetGateway)
}

// natProblem says why the nodes have no Cloud NAT, or "". A network
// outside the package may have one lint cannot see: no problem then.
func (l *linter) natProblem(c *facts.Cluster) string {
	if c.Network == nil {
		return ""
	}
	for _, n := range l.pkg.RouterNATs() {
		if n.Network() == c.NetworkID() && n.Spec.Region == c.Region() {
			return ""
		}
	}
	return fmt.Sprintf("no Cloud NAT serves network %s in %s, and private nodes have no external address", c.NetworkID().Name(), c.Region())
}

// firewallProblem says why the firewall keeps the endpoint in, or "".
// onlyAddressRules reports that VPC allows to some addresses exist, which
// may or may not be the host's: lint cannot resolve names.
func (l *linter) firewallProblem(c *facts.Cluster, e facts.Endpoint) (problem string, onlyAddressRules bool) {
	dest := everywhere
	if a, ok := e.Addr(); ok {
		dest = netip.PrefixFrom(a, a.BitLen())
	}
	v := l.egressTCP(c, dest, e.Port)
	if v.deny == nil || v.reaches() {
		return "", false
	}
	deny := results.Describe(v.deny.Firewall.Object)
	if rule := l.fqdnAllowFor(c, e); rule != nil {
		if l.policyFirst(c) {
			return "", false
		}
		return fmt.Sprintf("the firewall policy rule %s allows it, but network %s evaluates its VPC firewall rules first, and %s drops it there: set spec.networkFirewallPolicyEnforcementOrder: BEFORE_CLASSIC_FIREWALL on the network",
			results.Describe(rule.Object), c.NetworkID().Name(), deny), false
	}
	if _, isAddr := e.Addr(); !isAddr {
		if rules := l.addressAllows(c, e.Port); len(rules) > 0 {
			return fmt.Sprintf("%s denies egress, and only rules to some addresses (%s) let tcp:%d out: lint cannot tell whether %s resolves into them, and the addresses behind a name change",
				deny, strings.Join(rules, ", "), e.Port, e.Host), true
		}
	}
	return fmt.Sprintf("%s denies egress, and neither a firewall policy rule naming %s nor a VPC allow to %s lets it out", deny, e.Host, dest), false
}

// addressAllows names the EGRESS allows on the network that let TCP to
// port out to some public addresses only, as Kubeflow v1.2's private
// package does for IAP's keys and Docker Hub.
func (l *linter) addressAllows(c *facts.Cluster, port int) []string {
	var out []string
	for _, r := range l.rules() {
		if r.Ingress || !r.Allow || r.Firewall.NetworkID() != c.NetworkID() || !r.MatchesTCP(port) || !mayApplyToNodes(r, c) {
			continue
		}
		if slices.ContainsFunc(r.Ranges, publicAddresses) {
			out = append(out, results.Describe(r.Firewall.Object))
		}
	}
	return out
}

// publicAddresses tells whether an EGRESS range may hold an outside
// host's addresses: public IPv4, and not a Google API VIP (which answers
// only the names private DNS sends there).
func publicAddresses(p netip.Prefix) bool {
	_, vip := gcp.IsVIPRange(p)
	return p.Addr().Is4() && !gcp.IsPrivateIPv4(p) && !vip
}

// fqdnAllowFor returns a firewall policy rule on the cluster's network
// that lets the endpoint's host out on its port, or nil. A rule limited
// to service accounts gets the benefit of the doubt (the package cannot
// always tell which accounts the nodes run as).
func (l *linter) fqdnAllowFor(c *facts.Cluster, e facts.Endpoint) *facts.FQDNAllow {
	for _, a := range l.pkg.FQDNAllows() {
		if slices.Contains(a.Networks, c.NetworkID()) && a.AllowsHost(e.Host, e.Port) {
			return a
		}
	}
	return nil
}

// policyFirst tells whether the network evaluates its firewall policy
// before its VPC firewall rules (networkFirewallPolicyEnforcementOrder
// BEFORE_CLASSIC_FIREWALL; GCP's default is AFTER_CLASSIC_FIREWALL). A
// network outside the package gets the benefit of the doubt.
func (l *linter) policyFirst(c *facts.Cluster) bool {
	if c.Network == nil {
		return true
	}
	order := c.Network.Spec.NetworkFirewallPolicyEnforcementOrder
	return order != nil && *order == gcp.PolicyBeforeClassicFirewall
}

// describeObject names the object that declares the endpoint, for
// messages: "RequestAuthentication istio-system/iap-jwt needs".
func describeObject(e facts.Endpoint) string {
	return results.Describe(e.Object) + " needs"
}

// openingFor says what lets the endpoint out.
func openingFor(e facts.Endpoint) string {
	switch {
	case e.Wildcard():
		return fmt.Sprintf("firewall policy rules take no wildcards: list each host under %s in cloud-nat's allowedHosts", strings.TrimPrefix(e.Host, "*."))
	case e.Host == gcp.IAPKeysHost && e.Port == 443:
		return fmt.Sprintf("run cloud-nat with iapKeys: true (the kubeflow-private-gke blueprint's iap setter), which lets the nodes out to %s alone", gcp.IAPKeysHost)
	}
	if _, isAddr := e.Addr(); isAddr {
		return fmt.Sprintf("add %s/32 to cloud-nat's allowedCidrs (with %d in allowedPorts)", e.Host, e.Port)
	}
	ports := ""
	if e.Port != 443 {
		ports = fmt.Sprintf(" and %d to its allowedPorts", e.Port)
	}
	return fmt.Sprintf("add %s to cloud-nat's allowedHosts%s (a firewall policy rule; the network needs networkFirewallPolicyEnforcementOrder: BEFORE_CLASSIC_FIREWALL)", e.Host, ports)
}
