package gcp

import (
	"slices"
	"strings"
)

// Citation is a page of Google's documentation and the passage a fact
// rests on.
type Citation struct {
	URL   string
	Quote string
}

// GoogleDomain is a domain that Google documents as reachable through one
// or both Google API VIPs, and how its private zone sends names to the VIP.
// Every record private-google-access writes for the domain follows from
// Shape's citation, and every VIP it writes them for from one of Served.
type GoogleDomain struct {
	// Name is the zone's DNS name, in lower case without the final dot.
	Name string
	// Shape is the set of records the zone holds.
	Shape RecordShape
	// Served are the VIPs Google documents for the domain, each with the
	// page that says so.
	Served []Served
}

// Served is one VIP that serves a domain, by its mode ("restricted" or
// "private"), and Google's words for it.
type Served struct {
	Mode   string
	Source Citation
}

// ServedBy tells whether Google documents the domain for vip.
func (d GoogleDomain) ServedBy(vip VIP) bool {
	return slices.ContainsFunc(d.Served, func(s Served) bool { return s.Mode == vip.Mode })
}

// Modes lists the modes of the VIPs that serve the domain.
func (d GoogleDomain) Modes() []string {
	modes := make([]string, len(d.Served))
	for i, s := range d.Served {
		modes[i] = s.Mode
	}
	return modes
}

// Covers tells whether name is the domain or, when the zone has a wildcard
// record, a name under it: the names the zone sends to the VIP.
func (d GoogleDomain) Covers(name string) bool {
	return name == d.Name || (d.Shape.Wildcard() && strings.HasSuffix(name, "."+d.Name))
}

// RecordShape is how a private zone sends a domain's names to the VIP.
type RecordShape int

const (
	// VIPHostShape is googleapis.com's: the zone holds an A record (AAAA
	// on dual stack) for the VIP's own host name, restricted.googleapis.com
	// or private.googleapis.com, and a CNAME for *.googleapis.com to it.
	VIPHostShape RecordShape = iota + 1
	// ApexWildcardShape is every other domain's in Google's procedure: an A
	// record (AAAA) for the domain itself and a CNAME for *.<domain> to it.
	ApexWildcardShape
	// HostShape is for a single host that Google lists without a "*."
	// form (packages.cloud.google.com): only the A (AAAA) record for it.
	HostShape
)

// pgaURL is Google's "Configure Private Google Access" page, the source
// of the domain table and the DNS procedure. Read 2026-12-02.
const pgaURL = "https://cloud.google.com/vpc/docs/configure-private-google-access"

// Wildcard tells whether the zone also answers for the names under the
// domain.
func (s RecordShape) Wildcard() bool { return s == VIPHostShape || s == ApexWildcardShape }

// RecordShapeSources holds, for each shape, the passage of Google's DNS
// procedure it follows: the citation of the records generate.go writes.
var RecordShapeSources = map[RecordShape]Citation{
	VIPHostShape:      {pgaURL, `"Configure DNS for googleapis.com": "Create an A record for restricted.googleapis.com pointing to the following IP addresses: 199.36.153.4, 199.36.153.5, 199.36.153.6, 199.36.153.7" (199.36.153.8 to .11 for private.googleapis.com), "To connect to APIs using IPv6 addresses, also create an AAAA record", and "In the googleapis.com zone, create a CNAME record for *.googleapis.com that points to the domain that you've configured: private.googleapis.com or restricted.googleapis.com."`},
	ApexWildcardShape: {pgaURL, `"Configure DNS for other domains", for each additional domain: "Create a DNS zone for DOMAIN", "Create an A record for DOMAIN pointing to the following IP addresses" (the VIP's four), "To connect to APIs using IPv6 addresses, also create an AAAA record for DOMAIN", and "In the DOMAIN zone, create a CNAME record for *.DOMAIN that points to DOMAIN. For example, create a CNAME record for *.gcr.io that points to gcr.io."`},
	// The procedure's CNAME step would send every name under the host to
	// the VIP, names the domain table does not list: only its A (and
	// AAAA) step is taken, the conservative reading.
	HostShape: {pgaURL, `"Configure DNS for other domains": "Create a DNS zone for DOMAIN" and "Create an A record for DOMAIN pointing to the following IP addresses" (the VIP's four; "also create an AAAA record for DOMAIN" for IPv6). The domain table lists the host alone, with no "*." form, so the procedure's CNAME step for *.DOMAIN is not taken.`},
}

// Citations for the VIPs each domain is served by. Read 2026-12-02.
var (
	// The private VIP's row of the "Domain options" table lists the
	// domains it serves; each entry quotes its own line of that list.
	privateListURL = pgaURL

	apisBoth = Citation{pgaURL, `"In the googleapis.com zone, create a CNAME record for *.googleapis.com that points to the domain that you've configured: private.googleapis.com or restricted.googleapis.com."`}

	// Container Registry through the restricted VIP.
	gcrRestricted = Citation{"https://cloud.google.com/vpc-service-controls/docs/restricted-vip-services",
		`"the restricted VIP includes some additional endpoints as dependencies of the listed endpoints. For example, Container Registry uses gcr.io and *.gcr.io."`}

	// Artifact Registry (and gcr.io repositories) through the restricted
	// VIP: the page also gives the records, "*.REGISTRY_DOMAIN." CNAME
	// "REGISTRY_DOMAIN." and an A record for REGISTRY_DOMAIN to the four
	// restricted addresses.
	registryRestricted = Citation{"https://cloud.google.com/vpc-service-controls/docs/set-up-gke",
		`"This document describes how to configure DNS entries to route requests to the pkg.dev and gcr.io domains using a restricted virtual IP (VIP)"; "REGISTRY_DOMAIN is the domain for your registry: pkg.dev for Artifact Registry, gcr.io for Container Registry or gcr.io repositories hosted in Artifact Registry".`}

	// The zones Google itself makes for the restricted VIP in a service
	// producer network (gcloud's reference; the same text is the resource
	// description in Google's magic-modules,
	// mmv1/products/servicenetworking/VPCServiceControls.yaml).
	producerZonesRestricted = Citation{"https://cloud.google.com/sdk/gcloud/reference/services/vpc-peerings/get-vpc-service-controls",
		`"The zones include googleapis.com, gcr.io, pkg.dev, notebooks.cloud.google.com, kernels.googleusercontent.com, backupdr.cloud.google.com, and backupdr.googleusercontent.com as necessary domains or host names for Google APIs and services that are compatible with VPC Service Controls. Record data in the zones resolves all host names to 199.36.153.4, 199.36.153.5, 199.36.153.6, and 199.36.153.7."`}
)

// private is the private VIP serving a domain, by the line of the
// "Domain options" list that names it.
func private(listed string) Served {
	return Served{PrivateVIP.Mode, Citation{privateListURL,
		`private.googleapis.com row of "Domain options": "Domain names that match: ... ` + listed + ` ..."`}}
}

func restricted(c Citation) Served { return Served{RestrictedVIP.Mode, c} }

// GoogleDomains are the domains Google documents for the Google API VIPs,
// in the order private-google-access lists them: googleapis.com and the
// registries first, then what the restricted VIP also serves, then what
// only the private VIP is documented for.
//
// Not here, because no page read documents them for either VIP:
// pkg.go.dev. Documented for the private VIP only (the restricted VIP's
// row of "Domain options" names no domains, "Enables API access to Google
// APIs and services that are supported by VPC Service Controls"):
//
//   - gke.goog, the DNS-based control plane endpoint (DNSEndpointDomain):
//     "*.gke.goog" is in the private VIP's list. For the restricted VIP
//     Google says only that VPC Service Controls protects it ("This
//     compatibility includes the protection of the DNS endpoint for GKE,
//     which is a service for accessing the cluster's control plane and uses
//     the *.gke.goog domain", https://cloud.google.com/vpc-service-controls/docs/supported-products,
//     Google Kubernetes Engine), and GKE's network isolation page that the
//     endpoint's name resolves to an endpoint reachable from any network
//     that can reach Google Cloud APIs
//     (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation,
//     "DNS-based endpoint"); neither page, nor the zones Google makes for the restricted VIP
//     (producerZonesRestricted), sends *.gke.goog to restricted.googleapis.com.
//   - run.app and cloudfunctions.net: only in the private VIP's list.
var GoogleDomains = []GoogleDomain{
	{"googleapis.com", VIPHostShape, []Served{restricted(apisBoth), {PrivateVIP.Mode, apisBoth}}},
	{"gcr.io", ApexWildcardShape, []Served{restricted(gcrRestricted), private("gcr.io or *.gcr.io")}},
	{"pkg.dev", ApexWildcardShape, []Served{restricted(registryRestricted), private("pkg.dev or *.pkg.dev")}},
	{"notebooks.cloud.google.com", ApexWildcardShape, []Served{restricted(producerZonesRestricted), private("*.notebooks.cloud.google.com, notebooks.cloud.google.com")}},
	{"kernels.googleusercontent.com", ApexWildcardShape, []Served{restricted(producerZonesRestricted), private("*.kernels.googleusercontent.com")}},
	{"backupdr.cloud.google.com", ApexWildcardShape, []Served{restricted(producerZonesRestricted), private("*.backupdr.cloud.google.com, backupdr.cloud.google.com")}},
	{"backupdr.googleusercontent.com", ApexWildcardShape, []Served{restricted(producerZonesRestricted), private("*.backupdr.googleusercontent.com, backupdr.googleusercontent.com")}},

	// accounts.google.com: "(only supports paths needed for OAuth
	// authentication of service accounts; user account authentication is
	// interactive and not supported)".
	{"accounts.google.com", HostShape, []Served{private("accounts.google.com")}},
	{"aiplatform-notebook.cloud.google.com", ApexWildcardShape, []Served{private("*.aiplatform-notebook.cloud.google.com")}},
	{"aiplatform-notebook.googleusercontent.com", ApexWildcardShape, []Served{private("*.aiplatform-notebook.googleusercontent.com")}},
	{"appengine.google.com", HostShape, []Served{private("appengine.google.com")}},
	{"appspot.com", ApexWildcardShape, []Served{private("*.appspot.com")}},
	{"cloudfunctions.net", ApexWildcardShape, []Served{private("*.cloudfunctions.net")}},
	{"cloudproxy.app", ApexWildcardShape, []Served{private("*.cloudproxy.app")}},
	{"composer.cloud.google.com", ApexWildcardShape, []Served{private("*.composer.cloud.google.com")}},
	{"composer.googleusercontent.com", ApexWildcardShape, []Served{private("*.composer.googleusercontent.com")}},
	{"datafusion.cloud.google.com", ApexWildcardShape, []Served{private("*.datafusion.cloud.google.com")}},
	{"datafusion.googleusercontent.com", ApexWildcardShape, []Served{private("*.datafusion.googleusercontent.com")}},
	{"dataproc.cloud.google.com", ApexWildcardShape, []Served{private("*.dataproc.cloud.google.com, dataproc.cloud.google.com")}},
	{"dataproc.googleusercontent.com", ApexWildcardShape, []Served{private("*.dataproc.googleusercontent.com, dataproc.googleusercontent.com")}},
	{"developerconnect.dev", ApexWildcardShape, []Served{private("*.developerconnect.dev")}},
	{"dl.google.com", HostShape, []Served{private("dl.google.com")}},
	{DNSEndpointDomain, ApexWildcardShape, []Served{private("*.gke.goog")}},
	{"gstatic.com", ApexWildcardShape, []Served{private("gstatic.com or *.gstatic.com")}},
	{"ltsapis.goog", ApexWildcardShape, []Served{private("*.ltsapis.goog")}},
	{"notebooks.byoid.googleusercontent.com", ApexWildcardShape, []Served{private("*.notebooks.byoid.googleusercontent.com")}},
	{"notebooks.googleusercontent.com", ApexWildcardShape, []Served{private("*.notebooks.googleusercontent.com")}},
	{"packages.cloud.google.com", HostShape, []Served{private("packages.cloud.google.com")}},
	{"pki.goog", ApexWildcardShape, []Served{private("pki.goog or *.pki.goog")}},
	{"run.app", ApexWildcardShape, []Served{private("*.run.app")}},
	{"source.developers.google.com", HostShape, []Served{private("source.developers.google.com")}},
	{"storage.cloud.google.com", HostShape, []Served{private("storage.cloud.google.com")}},
}

// DomainsFor lists the domains Google documents for vip, in table order:
// private-google-access's default domains in that mode.
func DomainsFor(vip VIP) []string {
	var out []string
	for _, d := range GoogleDomains {
		if d.ServedBy(vip) {
			out = append(out, d.Name)
		}
	}
	return out
}

// DefaultGoogleDomains are the domains Google documents for the restricted
// VIP, private-google-access's default mode (DomainsFor(RestrictedVIP)).
var DefaultGoogleDomains = DomainsFor(RestrictedVIP)

// LookupGoogleDomain returns the table's entry for the domain name itself.
func LookupGoogleDomain(name string) (GoogleDomain, bool) {
	i := slices.IndexFunc(GoogleDomains, func(d GoogleDomain) bool { return d.Name == name })
	if i < 0 {
		return GoogleDomain{}, false
	}
	return GoogleDomains[i], true
}

// DocumentedFor returns the entry that documents name for vip: the
// domain's own, or the entry of a domain above it whose zone answers for
// the names under it (us-docker.pkg.dev is documented by "*.pkg.dev").
func DocumentedFor(name string, vip VIP) (GoogleDomain, bool) {
	for _, d := range GoogleDomains {
		if d.ServedBy(vip) && d.Covers(name) {
			return d, true
		}
	}
	return GoogleDomain{}, false
}

// DocumentedElsewhere returns the entry that documents name for a VIP
// other than vip, when one does: what a message tells the user instead.
func DocumentedElsewhere(name string, vip VIP) (GoogleDomain, bool) {
	for _, d := range GoogleDomains {
		if !d.ServedBy(vip) && d.Covers(name) {
			return d, true
		}
	}
	return GoogleDomain{}, false
}

// ShapeFor is the records a zone for name holds: its table entry's shape,
// else Google's procedure for additional domains (ApexWildcardShape).
func ShapeFor(name string) RecordShape {
	if d, ok := LookupGoogleDomain(name); ok {
		return d.Shape
	}
	return ApexWildcardShape
}

// ServedDocs is where Google's documentation says what vip serves, for
// messages about a domain it does not list.
func ServedDocs(vip VIP) string {
	if vip.Mode == RestrictedVIP.Mode {
		// "The restricted VIP supports all of the APIs that a VPC Service
		// Controls can protect", by service name; with the row of "Domain
		// options" that names no domains.
		return "https://cloud.google.com/vpc-service-controls/docs/restricted-vip-services"
	}
	return privateListURL
}
