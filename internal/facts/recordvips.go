package facts

import (
	"net/netip"
	"slices"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// VIPs are the Google API VIPs the record set resolves its name to: an A
// or AAAA record holding an address of a VIP's range, a CNAME to a VIP's
// host name (private.googleapis.com, restricted.googleapis.com). Each VIP
// once, in the order the records name them.
func (r *RecordSet) VIPs() []gcp.VIP {
	var out []gcp.VIP
	for _, data := range r.Spec.Rrdatas {
		v, ok := recordVIP(r.Spec.Type, data)
		if ok && !slices.ContainsFunc(out, func(o gcp.VIP) bool { return o.Mode == v.Mode }) {
			out = append(out, v)
		}
	}
	return out
}

// recordVIP is the VIP one record's data points at, by the record's type.
func recordVIP(recordType, data string) (gcp.VIP, bool) {
	switch recordType {
	case "A", "AAAA":
		if a, err := netip.ParseAddr(data); err == nil {
			return gcp.VIPOf(a)
		}
	case "CNAME":
		return gcp.VIPOfHost(data)
	}
	return gcp.VIP{}, false
}
