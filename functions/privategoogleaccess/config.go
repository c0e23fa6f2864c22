package privategoogleaccess

import (
	"fmt"
	"net/netip"
	"slices"
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
	// Domains get a private zone each. It replaces the default list
	// (googleapis.com, gcr.io, pkg.dev): list those too to keep them.
	Domains []string `json:"domains,omitempty"`
	// TTL of every record set, in seconds.
	TTL int64 `json:"ttl,omitempty"`
	// RoutePriority of the routes to the VIP; unset, one below the
	// lowest-numbered route to 0.0.0.0/0 on the network.
	RoutePriority *int64 `json:"routePriority,omitempty"`
}

// defaults is the config that the user's settings are applied on.
func defaults() PrivateGoogleAccess {
	return PrivateGoogleAccess{
		Mode:    fnconfig.ValueOf[VIPMode](gcp.RestrictedVIP.Mode),
		Domains: slices.Clone(gcp.DefaultGoogleDomains),
		TTL:     DefaultTTL,
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
// normalized (a final dot dropped) so that the run sees one spelling.
func (c *PrivateGoogleAccess) Validate(src fnconfig.Source, res *results.Collector) {
	src.CheckValue(res, "mode", &c.Mode)
	c.validateDomains(src, res)
	if c.TTL < 1 || c.TTL > MaxTTL {
		src.Error(res, "ttl", "ttl %d is out of range: give the record sets' time to live in seconds, 1 to %d (default %d)", c.TTL, MaxTTL, DefaultTTL)
	}
	if p := c.RoutePriority; p != nil {
		if err := gcp.CheckPriority(*p); err != nil {
			src.Error(res, "routePriority", "%v; leave routePriority unset to beat the network's routes to 0.0.0.0/0 by one", err)
		}
	}
}

func (c *PrivateGoogleAccess) validateDomains(src fnconfig.Source, res *results.Collector) {
	if len(c.Domains) == 0 {
		src.Error(res, "domains", "no domains: list the domains to send to the VIP, for example %s", strings.Join(gcp.DefaultGoogleDomains, ","))
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
	// A list with a typo in it would make this warning point the wrong way.
	if _, listed := seen[apisDomain]; !listed && ok {
		res.Warning(src.Object, src.Field("domains"),
			"domains leaves out %s: the nodes reach Google APIs through the VIP only if another private zone for %s is visible from their network", apisDomain, apisDomain)
	}
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
