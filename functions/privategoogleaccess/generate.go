package privategoogleaccess

import (
	"fmt"
	"net/netip"
	"strings"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	dns "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/dns/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// apisDomain is the domain whose records point at the VIP's own host name
// (restricted.googleapis.com), which lives in its zone.
const apisDomain = "googleapis.com"

// generator builds the objects of one network from Config Connector's
// typed structs.
type generator struct {
	cfg *PrivateGoogleAccess
	vip gcp.VIP
	res *results.Collector
	out []*fn.KubeObject
}

// network adds everything the network gets: per domain a private zone and
// its record sets, then the routes to the VIP, and with queryLogging a DNS
// server policy that logs the network's queries, unless the package has
// one for the network already (the planner then edits that one).
func (g *generator) network(n *network) {
	for _, d := range g.cfg.Domains {
		g.zone(n, d)
	}
	g.route(n, routeName(n, g.vip), g.vip.IPv4, n.priority.priority)
	if n.dualStack {
		g.route(n, routeName(n, g.vip, "ipv6"), g.vip.IPv6, n.priority6.priority)
	}
	if g.cfg.QueryLogging && n.userPolicy == nil {
		g.loggingPolicy(n)
	}
}

func zoneName(n *network, domain string) string {
	return gceName(n.base, strings.ReplaceAll(domain, ".", "-"))
}

// routeName names a route after the mode: a route cannot change, so a
// change of mode must give a new route (and prune the old one).
func routeName(n *network, vip gcp.VIP, suffix ...string) string {
	return gceName(n.base, append([]string{vip.Mode, "vip"}, suffix...)...)
}

// zone adds the private zone for domain and its records, as the domain's
// record shape says (gcp.ShapeFor; gcp.RecordShapeSources cites the step of Google's
// procedure its records follow): an A record (and AAAA on a dual-stack
// network) with the VIP's addresses and, unless Google lists the domain as
// a single host, a wildcard CNAME so that every name in the domain resolves
// to them. For googleapis.com the addresses belong to the VIP's host name,
// which *.googleapis.com points at; other domains carry them on the apex.
func (g *generator) zone(n *network, domain string) {
	name := zoneName(n, domain)
	g.add(&dns.DNSManagedZone{
		TypeMeta:   kcc.TypeMeta("dns", "v1beta1", "DNSManagedZone"),
		ObjectMeta: kcc.ObjectMeta(name, n.like),
		Spec: dns.DNSManagedZoneSpec{
			DnsName:     domain + ".",
			Description: kcc.Ptr(fmt.Sprintf("Private Google Access: %s resolves to %s (%s)", domain, g.vip.Host, g.vip.IPv4)),
			Visibility:  kcc.Ptr("private"),
			PrivateVisibilityConfig: &dns.ManagedzonePrivateVisibilityConfig{
				Networks: []dns.ManagedzoneNetworks{{NetworkRef: n.ref}},
			},
		},
	})
	shape := gcp.ShapeFor(domain)
	target := domain
	if shape == gcp.VIPHostShape {
		target = g.vip.Host
	}
	// The address records are named after the name they resolve, so that
	// a change of mode replaces them: a record set's DNS name is immutable.
	g.record(n, name, recordName(n, target, "a"), target+".", "A", addrs(gcp.Addresses(g.vip.IPv4)))
	if n.dualStack {
		g.record(n, name, recordName(n, target, "aaaa"), target+".", "AAAA", addrs(g.vip.IPv6Records()))
	}
	if shape.Wildcard() {
		g.record(n, name, recordName(n, domain, "cname"), "*."+domain+".", "CNAME", []string{target + "."})
	}
}

func recordName(n *network, dnsName, typ string) string {
	return gceName(n.base, strings.ReplaceAll(dnsName, ".", "-"), typ)
}

func (g *generator) record(n *network, zone, name, dnsName, typ string, rrdatas []string) {
	g.add(&dns.DNSRecordSet{
		TypeMeta:   kcc.TypeMeta("dns", "v1beta1", "DNSRecordSet"),
		ObjectMeta: kcc.ObjectMeta(name, n.like),
		Spec: dns.DNSRecordSetSpec{
			ManagedZoneRef: kcc.Ref(zone),
			Name:           dnsName,
			Type:           typ,
			Ttl:            kcc.Ptr(g.cfg.TTL),
			Rrdatas:        rrdatas,
		},
	})
}

// route adds a route to a VIP range through the default internet gateway:
// the VIP is reached that way without the nodes having internet access.
func (g *generator) route(n *network, name string, dest netip.Prefix, priority int32) {
	g.add(&compute.ComputeRoute{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeRoute"),
		ObjectMeta: n.inNetworkProject(name),
		Spec: compute.ComputeRouteSpec{
			// Immutable in GCP: it names only what the mode fixes.
			Description:    kcc.Ptr(fmt.Sprintf("Private Google Access: %s (%s) through the default internet gateway", g.vip.Host, dest)),
			DestRange:      dest.String(),
			NetworkRef:     n.ref,
			NextHopGateway: kcc.Ptr(gcp.DefaultInternetGateway),
			Priority:       kcc.Ptr(priority),
		},
	})
}

func (g *generator) add(typed any) {
	if obj := kcc.Build(g.res, typed); obj != nil {
		g.out = append(g.out, obj)
	}
}

func addrs(list []netip.Addr) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.String()
	}
	return out
}
