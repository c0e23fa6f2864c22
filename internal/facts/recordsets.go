package facts

import (
	"strings"

	dns "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/dns/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// KindRecordSet is Config Connector's kind for a Cloud DNS record set.
const KindRecordSet = "DNSRecordSet"

// RecordSet is a DNSRecordSet of the package.
type RecordSet struct {
	Object *fn.KubeObject
	Spec   dns.DNSRecordSetSpec
	// Name is spec.name in lower case without the final dot.
	Name string
	// Zone is the zone its managedZoneRef names; nil when that zone is
	// not in the package (or the reference is external).
	Zone *ManagedZone
}

// RecordSets reads the package's DNSRecordSets and links each to its zone
// among zones (what ManagedZones read). A record set that cannot be read as
// one is an error result and left out.
func RecordSets(items fn.KubeObjects, zones []*ManagedZone, res *results.Collector) []*RecordSet {
	byKey := map[Key]*ManagedZone{}
	for _, z := range zones {
		byKey[keyOf(z.Object)] = z
	}
	var out []*RecordSet
	for obj, spec := range specsOf[dns.DNSRecordSetSpec](items, KindRecordSet, res) {
		r := &RecordSet{Object: obj, Spec: spec}
		r.Name = strings.ToLower(strings.TrimSuffix(r.Spec.Name, "."))
		r.Zone = byKey[refKey(KindManagedZone, obj, refOf(&r.Spec.ManagedZoneRef))]
		out = append(out, r)
	}
	return out
}

// IsKCC tells whether obj is a Config Connector object (its API group ends
// in .cnrm.cloud.google.com).
func IsKCC(obj *fn.KubeObject) bool { return isKCC(obj) }
