package lint

import (
	"slices"
	"strings"

	"github.com/distribution/reference"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/images"
)

// registryDNS is the registry-dns check. It catches a network whose
// private DNS sends googleapis.com to the Google API VIP but has no
// private zone for a Google registry the images pull from (gcr.io,
// pkg.dev): that registry then resolves to public addresses, which the
// private nodes cannot reach past the deny-all egress, and the pull fails
// even though the registry is Google's. The user adds the registry's
// domain to private-google-access's domains (its default, the set Google
// documents for either VIP, holds gcr.io and pkg.dev).
func registryDNS(l *linter) []finding {
	hosts := l.googleRegistryHosts()
	if len(hosts) == 0 {
		return nil
	}
	var out []finding
	for _, apis := range l.pkg.ManagedZones() {
		if !apis.Private() || apis.DNSName != "googleapis.com" {
			continue
		}
		for _, id := range apis.Networks {
			for _, host := range hosts {
				if !l.privateZoneFor(host, id) {
					out = append(out, l.registryUnresolved(apis, id, host))
				}
			}
		}
	}
	return out
}

// googleRegistryHosts are the Google registry hosts the images pull from,
// sorted, each once.
func (l *linter) googleRegistryHosts() []string {
	var hosts []string
	for _, u := range l.images() {
		if d := reference.Domain(u.Named); images.IsGoogleRegistry(d) {
			hosts = append(hosts, d)
		}
	}
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// privateZoneFor tells whether a private zone for host, or for a domain
// above it, is visible from the network.
func (l *linter) privateZoneFor(host string, id facts.NetworkID) bool {
	return slices.ContainsFunc(l.pkg.ManagedZones(), func(z *facts.ManagedZone) bool {
		return z.VisibleFrom(id) && (host == z.DNSName || strings.HasSuffix(host, "."+z.DNSName))
	})
}

func (l *linter) registryUnresolved(apis *facts.ManagedZone, id facts.NetworkID, host string) finding {
	domain, _ := images.GoogleRegistryDomain(host)
	example := ""
	for _, u := range l.images() {
		if reference.Domain(u.Named) == host {
			example = u.Subject.DescribeInFile("an object") + " " + u.Field.Path
			break
		}
	}
	return errorAt(apis.Object, "spec.dnsName",
		"network %s resolves googleapis.com privately (this zone) but has no private zone for %s, from which images are pulled (for example %s): %s then resolves to public addresses, which private nodes cannot reach past the deny-all egress; add %s to private-google-access's domains, or leave domains unset for the documented set of the VIP, which holds gcr.io and pkg.dev",
		id.Name(), host, example, host, domain)
}
