package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// perimeterDNS is the perimeter-dns check. It warns when the package
// fences services with a VPC Service Controls perimeter while its DNS
// sends Google APIs to the private VIP (private.googleapis.com) instead of
// the restricted one: the private VIP also serves APIs that VPC Service
// Controls cannot fence, so data can leave the perimeter through them. The
// user runs private-google-access with mode: restricted. One warning per
// zone (or per record set whose zone is not in the package).
func perimeterDNS(l *linter) []finding {
	perimeter, services := l.restrictingPerimeter()
	if perimeter == nil {
		return nil
	}
	byZone, order := privateVIPRecords(l.pkg.RecordSets())
	var out []finding
	for _, subject := range order {
		field := "spec.dnsName"
		if subject.GetKind() == facts.KindRecordSet {
			field = "spec.rrdatas"
		}
		out = append(out, warningAt(subject, field,
			"%s sends names to the private VIP (%s, %s) through %s, while %s restricts %d services: the private VIP also serves APIs that VPC Service Controls cannot fence, so data can leave the perimeter that way; run private-google-access with mode: restricted (%s, %s)",
			results.Describe(subject), gcp.PrivateVIP.Host, gcp.PrivateVIP.IPv4, strings.Join(byZone[subject], ", "),
			results.Describe(perimeter), services, gcp.RestrictedVIP.Host, gcp.RestrictedVIP.IPv4))
	}
	return out
}

// privateVIPRecords groups the record sets that resolve to the private
// VIP by their zone (the record set itself when its zone is not in the
// package), each described for messages, and lists the zones in package
// order.
func privateVIPRecords(records []*facts.RecordSet) (map[*fn.KubeObject][]string, []*fn.KubeObject) {
	byZone := map[*fn.KubeObject][]string{}
	var order []*fn.KubeObject
	for _, r := range records {
		if !slices.ContainsFunc(r.VIPs(), func(v gcp.VIP) bool { return v.Mode == gcp.PrivateVIP.Mode }) {
			continue
		}
		subject := r.Object
		if r.Zone != nil {
			subject = r.Zone.Object
		}
		if _, seen := byZone[subject]; !seen {
			order = append(order, subject)
		}
		byZone[subject] = append(byZone[subject], fmt.Sprintf("%s %s (%s)", r.Spec.Type, r.Spec.Name, r.Object.GetName()))
	}
	return byZone, order
}

// restrictingPerimeter returns the first service perimeter of the package
// that restricts services (facts.ServicePerimeter.RestrictedServices), and
// how many it restricts; nil when there is none.
func (l *linter) restrictingPerimeter() (*fn.KubeObject, int) {
	for _, s := range l.pkg.ServicePerimeters() {
		if n := len(s.RestrictedServices()); n > 0 {
			return s.Object, n
		}
	}
	return nil, 0
}
