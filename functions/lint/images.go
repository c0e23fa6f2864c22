package lint

import (
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/images"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// reachable tells whether private nodes can pull the image: from a Google
// registry through Private Google Access, from the mirror, or from a
// registry the config allows.
func (l *linter) reachable(named reference.Named) bool {
	return images.GoogleRegistry(reference.Domain(named)) || images.UnderMirror(l.cfg.Mirror, named) ||
		slices.ContainsFunc(l.cfg.AllowedRegistries, func(e string) bool { return images.Allowed(e, named) })
}

// unreachableImages reports every image field, as image-mirror finds them,
// whose image comes from a registry the private nodes cannot reach: the
// pod would stay in ImagePullBackOff.
func unreachableImages(l *linter) {
	for _, u := range l.images() {
		if l.reachable(u.named) {
			continue
		}
		l.report(fn.Error, u.subject, u.field,
			"%s pulls %q from %s, which private nodes cannot reach: run image-mirror (it copies the image to the mirror and rewrites this field), or list the registry in allowedRegistries if the nodes reach it another way",
			describeSubject(u.subject), u.value, reference.Domain(u.named))
	}
}

// registryBases are the Google registry domains a private zone is made
// for: every host of Container Registry is under gcr.io, every host of
// Artifact Registry under pkg.dev.
var registryBases = []string{"gcr.io", "pkg.dev"}

// registryDNS reports a network whose private DNS sends googleapis.com to
// the VIP but has no private zone for a Google registry the images pull
// from: that registry then resolves to public addresses, which the private
// nodes cannot reach past the deny-all egress, and the pull fails even
// though the registry is Google's.
func registryDNS(l *linter) {
	hosts := l.googleRegistryHosts()
	if len(hosts) == 0 {
		return
	}
	for _, apis := range l.zones() {
		if !apis.Private() || apis.DNSName != "googleapis.com" {
			continue
		}
		for _, id := range apis.Networks {
			for _, host := range hosts {
				if !l.privateZoneFor(host, id) {
					l.reportRegistryDNS(apis, id, host)
				}
			}
		}
	}
}

// googleRegistryHosts are the Google registry hosts the images pull from,
// sorted, each once.
func (l *linter) googleRegistryHosts() []string {
	var hosts []string
	for _, u := range l.images() {
		if d := reference.Domain(u.named); images.GoogleRegistry(d) {
			hosts = append(hosts, d)
		}
	}
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// privateZoneFor tells whether a private zone for host, or for a domain
// above it, is visible from the network.
func (l *linter) privateZoneFor(host string, id facts.NetworkID) bool {
	return slices.ContainsFunc(l.zones(), func(z *facts.ManagedZone) bool {
		return z.VisibleFrom(id) && (host == z.DNSName || strings.HasSuffix(host, "."+z.DNSName))
	})
}

func (l *linter) reportRegistryDNS(apis *facts.ManagedZone, id facts.NetworkID, host string) {
	base := host
	for _, b := range registryBases {
		if host == b || strings.HasSuffix(host, "."+b) {
			base = b
		}
	}
	example := ""
	for _, u := range l.images() {
		if reference.Domain(u.named) == host {
			example = describeSubject(u.subject) + " " + u.field
			break
		}
	}
	l.error(apis.Object, "spec.dnsName",
		"network %s resolves googleapis.com privately (this zone) but has no private zone for %s, from which images are pulled (for example %s): %s then resolves to public addresses, which private nodes cannot reach past the deny-all egress; add %s to private-google-access's domains (its default is googleapis.com, gcr.io, pkg.dev)",
		id.Name(), host, example, host, base)
}

// describeSubject names an object for messages: "Deployment kubeflow/x (file)".
func describeSubject(s results.Subject) string {
	out := s.Describe("an object")
	if s.File != nil && s.File.Path != "" {
		out += " (" + s.File.Path + ")"
	}
	return out
}
