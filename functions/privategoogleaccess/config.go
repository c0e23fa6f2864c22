package privategoogleaccess

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// Kind is the typed config kind of this function.
const Kind = "PrivateGoogleAccess"

// TTL bounds of the generated record sets, in seconds. The records never
// change, so a long TTL would do; a day caps how long a mistake is cached.
const (
	DefaultTTL = 300
	MaxTTL     = 86400
)

// PrivateGoogleAccess is the function config (spec of kind
// PrivateGoogleAccess, or the same keys in a ConfigMap's data).
type PrivateGoogleAccess struct {
	// Mode picks the VIP: restricted (the default, the only one VPC
	// Service Controls can fence) or private.
	Mode VIPMode `json:"mode,omitempty"`
	// Domains get a private zone each. Unset (nil), they are the domains
	// Google documents for the mode's VIP (gcp.DomainsFor), set by
	// Validate; a list replaces them, so an empty one is an error.
	Domains []string `json:"domains,omitempty"`
	// TTL of every record set, in seconds.
	TTL int64 `json:"ttl,omitempty"`
	// RoutePriority of the routes to the VIP; unset, one below the
	// lowest-numbered route to 0.0.0.0/0 on the network.
	RoutePriority *int64 `json:"routePriority,omitempty"`
	// QueryLogging turns on Cloud DNS query logging on every network the
	// zones are visible from: a DNSPolicy with enableLogging, or the
	// package's own DNSPolicy of the network with it set.
	QueryLogging bool `json:"queryLogging,omitempty"`
}

// defaults is the config that the user's settings are applied on.
func defaults() PrivateGoogleAccess {
	return PrivateGoogleAccess{
		Mode: fnconfig.ValueOf[VIPMode](gcp.RestrictedVIP.Mode),
		TTL:  DefaultTTL, // Domains stay nil: their default depends on the mode
	}
}

// VIPMode is the config's mode, read once with the config: the VIP it
// picks (gcp.VIPFor), invalid when Err is set.
type VIPMode struct {
	fnconfig.Scalar
	VIP gcp.VIP
}

var _ fnconfig.Value = &VIPMode{}

// Parse implements fnconfig.Value.
func (m *VIPMode) Parse() {
	vip, ok := gcp.VIPFor(m.Text)
	m.VIP = vip
	m.SetErr(nil)
	if !ok {
		m.SetErr(fmt.Errorf("unknown mode %q: use %s (restricted.googleapis.com, works with VPC Service Controls) or %s (private.googleapis.com)",
			m.Text, gcp.RestrictedVIP.Mode, gcp.PrivateVIP.Mode))
	}
}

// Validate checks every field before anything runs. Domains are
// normalized (a final dot dropped) so that the run sees one spelling; left
// unset they become the domains Google documents for the mode's VIP.
func (c *PrivateGoogleAccess) Validate(src fnconfig.Source, res *results.Collector) {
	modeOK := src.CheckValue(res, "mode", &c.Mode)
	switch {
	case c.Domains != nil:
		c.validateDomains(src, res, modeOK)
	case modeOK:
		c.Domains = gcp.DomainsFor(c.Mode.VIP)
	}
	if c.TTL < 1 || c.TTL > MaxTTL {
		src.Error(res, "ttl", "ttl %d is out of range: give the record sets' time to live in seconds, 1 to %d (default %d)", c.TTL, MaxTTL, DefaultTTL)
	}
	if p := c.RoutePriority; p != nil {
		if err := gcp.CheckPriority(*p); err != nil {
			src.Error(res, "routePriority", "%v; leave routePriority unset to beat the network's routes to 0.0.0.0/0 by one", err)
		}
	}
}

func (c *PrivateGoogleAccess) validateDomains(src fnconfig.Source, res *results.Collector, modeOK bool) {
	if len(c.Domains) == 0 {
		src.Error(res, "domains", "no domains: list the domains to send to the VIP, for example googleapis.com,gcr.io,pkg.dev, or leave domains out for the domains Google documents for the VIP")
		return
	}
	seen := map[string]int{}
	ok := true
	for i, d := range c.Domains {
		field := fnconfig.Index("domains", i)
		d = strings.TrimSuffix(d, ".")
		c.Domains[i] = d
		if problem := checkDomain(d); problem != "" {
			src.Error(res, field, "%s", problem)
			ok = false
			continue
		}
		if j, dup := seen[d]; dup {
			src.Error(res, field, "%s is listed twice (also domains[%d]): list each domain once", d, j)
			ok = false
		}
		seen[d] = i
	}
	// A list with a typo in it would make these warnings point the wrong way.
	if !ok {
		return
	}
	if _, listed := seen[apisDomain]; !listed {
		res.Warning(src.Object, src.Field("domains"),
			"domains leaves out %s: the nodes reach Google APIs through the VIP only if another private zone for %s is visible from their network", apisDomain, apisDomain)
	}
	if modeOK {
		c.warnUndocumented(src, res)
	}
}

// warnUndocumented warns about every listed domain that Google does not
// document for the chosen VIP (gcp.GoogleDomains). It is not an error:
// the documentation lags behind the VIPs, and users may know better. The
// zone is still made, with the records Google's procedure gives.
func (c *PrivateGoogleAccess) warnUndocumented(src fnconfig.Source, res *results.Collector) {
	vip := c.Mode.VIP
	for i, d := range c.Domains {
		if _, ok := gcp.DocumentedFor(d, vip); ok {
			continue
		}
		where := fmt.Sprintf("what %s serves is listed at %s", vip.Host, gcp.ServedDocs(vip))
		if other, ok := gcp.DocumentedElsewhere(d, vip); ok {
			where = fmt.Sprintf("Google documents %s for %s only (%s); %s", other.Name, hosts(other.Modes()), other.Served[0].Source.URL, where)
		}
		res.Warning(src.Object, src.Field(fnconfig.Index("domains", i)),
			"%s is not among the domains Google documents for %s: %s. Its zone still sends %s to %s (%s); take it out of domains unless you know %s serves it",
			d, vip.Host, where, d, vip.Host, vip.IPv4, vip.Host)
	}
}

// hosts names the VIPs of modes by their host names.
func hosts(modes []string) string {
	names := make([]string, 0, len(modes))
	for _, m := range modes {
		if vip, ok := gcp.VIPFor(m); ok {
			names = append(names, vip.Host)
		}
	}
	return strings.Join(names, " and ")
}

// checkDomain says what is wrong with a domain name, or "": the name of
// a private zone, a DNS name (gcp.CheckDNSName) in lower case.
func checkDomain(d string) string {
	switch {
	case d == "":
		return "empty domain: give a DNS name such as gcr.io"
	case strings.HasPrefix(d, "*."):
		return fmt.Sprintf("%q: give the domain without the wildcard (%s); the function adds the *.%s record itself", d, d[2:], d[2:])
	case strings.ToLower(d) != d:
		return fmt.Sprintf("%q: write the domain in lower case (%s)", d, strings.ToLower(d))
	case !strings.Contains(d, "."):
		// gcp.CheckDNSName refuses it too; the reason here is the zone's.
		return fmt.Sprintf("%q is not a domain such as gcr.io or pkg.dev: a private zone for a top-level name would capture every name under it", d)
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return fmt.Sprintf("%q looks like an IP address: give a DNS name such as gcr.io", d)
	}
	if err := gcp.CheckDNSName(d); err != nil {
		return err.Error()
	}
	return ""
}
