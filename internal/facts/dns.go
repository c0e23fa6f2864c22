package facts

import (
	"strings"

	dns "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/dns/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// KindManagedZone is Config Connector's kind for a Cloud DNS zone.
const KindManagedZone = "DNSManagedZone"

// ManagedZone is a DNSManagedZone of the package.
type ManagedZone struct {
	Object *fn.KubeObject
	Spec   dns.DNSManagedZoneSpec
	// DNSName is spec.dnsName in lower case without the final dot.
	DNSName string
	// Networks are the networks a private zone is visible from.
	Networks []NetworkID
}

// Private tells whether the zone is visible only from VPC networks.
func (z *ManagedZone) Private() bool {
	return z.Spec.Visibility != nil && *z.Spec.Visibility == "private"
}

// VisibleFrom tells whether the zone is a private zone that id sees.
func (z *ManagedZone) VisibleFrom(id NetworkID) bool {
	if !z.Private() {
		return false
	}
	for _, n := range z.Networks {
		if n == id {
			return true
		}
	}
	return false
}

// ManagedZones reads the package's DNSManagedZones. A zone that cannot be
// read as one is an error result and left out. (Cloud DNS refuses two
// private zones for one name visible from the same network, so generators
// of zones check against these.)
func ManagedZones(items fn.KubeObjects, res *results.Collector) []*ManagedZone {
	var out []*ManagedZone
	for obj, spec := range specsOf[dns.DNSManagedZoneSpec](items, KindManagedZone, res) {
		z := &ManagedZone{Object: obj, Spec: spec}
		z.DNSName = strings.ToLower(strings.TrimSuffix(z.Spec.DnsName, "."))
		if pvc := z.Spec.PrivateVisibilityConfig; pvc != nil {
			for i := range pvc.Networks {
				z.Networks = append(z.Networks, networkID(obj, refOf(&pvc.Networks[i].NetworkRef)))
			}
		}
		out = append(out, z)
	}
	return out
}
