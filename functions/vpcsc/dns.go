package vpcsc

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

const dnsGroup = "dns.cnrm.cloud.google.com"

// warnPrivateVIP warns on every DNS record of the package that sends
// restricted services to the private VIP (private.googleapis.com), as
// private-google-access does in mode private. The private VIP also serves
// APIs that VPC Service Controls cannot fence, so data can leave through
// them; inside a perimeter the restricted VIP is the one to use.
func warnPrivateVIP(items fn.KubeObjects, cfg *VPCServiceControls, res *results.Collector) {
	for _, obj := range items {
		group, _ := fn.ParseGroupVersion(obj.GetAPIVersion())
		if group != dnsGroup || obj.GetKind() != "DNSRecordSet" {
			continue
		}
		name, _, _ := obj.NestedString("spec", "name")
		typ, _, _ := obj.NestedString("spec", "type")
		rrdatas, _, _ := obj.NestedStringSlice("spec", "rrdatas")
		if (typ != "A" && typ != "AAAA") || !slices.ContainsFunc(rrdatas, inPrivateVIP) {
			continue
		}
		domain := strings.ToLower(strings.TrimSuffix(name, "."))
		affected := servicesBehind(domain, cfg.RestrictedServices)
		if len(affected) == 0 {
			continue
		}
		res.Warning(obj, "spec.rrdatas",
			"%s resolves to the private VIP (%s), which also serves APIs that VPC Service Controls cannot fence, so data can leave perimeter %s that way: requests for %s should go to the restricted VIP (%s) instead; run private-google-access with mode: restricted",
			name, gcp.PrivateVIP.IPv4, cfg.PerimeterName, describeServices(affected, cfg.RestrictedServices), gcp.RestrictedVIP.IPv4)
	}
}

func inPrivateVIP(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && (gcp.PrivateVIP.IPv4.Contains(a) || gcp.PrivateVIP.IPv6.Contains(a))
}

// registryServices are the restricted services a registry domain serves.
var registryServices = map[string][]string{
	"gcr.io":  {"artifactregistry.googleapis.com", "containerregistry.googleapis.com"},
	"pkg.dev": {"artifactregistry.googleapis.com"},
}

// servicesBehind returns the restricted services that a name in domain
// serves: all of them under googleapis.com, the registries' under gcr.io
// and pkg.dev.
func servicesBehind(domain string, restricted []string) []string {
	within := func(d string) bool { return domain == d || strings.HasSuffix(domain, "."+d) }
	if within("googleapis.com") {
		return sortedUnique(restricted)
	}
	var out []string
	for d, services := range registryServices {
		if within(d) {
			for _, s := range services {
				if slices.Contains(restricted, s) {
					out = append(out, s)
				}
			}
		}
	}
	return sortedUnique(out)
}

func describeServices(affected, restricted []string) string {
	if len(affected) > 1 && len(affected) == len(sortedUnique(restricted)) {
		return fmt.Sprintf("all %d restricted services", len(affected))
	}
	return strings.Join(affected, ", ")
}
