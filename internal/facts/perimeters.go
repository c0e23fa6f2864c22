package facts

import (
	"slices"

	acm "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/accesscontextmanager/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// KindServicePerimeter is Config Connector's kind for a VPC Service
// Controls perimeter.
const KindServicePerimeter = "AccessContextManagerServicePerimeter"

// ServicePerimeter is an AccessContextManagerServicePerimeter of the
// package.
type ServicePerimeter struct {
	Object *fn.KubeObject
	Spec   acm.AccessContextManagerServicePerimeterSpec
}

// RestrictedServices are the services the perimeter restricts, enforced
// (spec.status) or in dry run (spec.spec), sorted, each once: either way
// the package means them to be fenced.
func (s *ServicePerimeter) RestrictedServices() []string {
	var services []string
	if st := s.Spec.Status; st != nil {
		services = append(services, st.RestrictedServices...)
	}
	if dry := s.Spec.Spec; dry != nil {
		services = append(services, dry.RestrictedServices...)
	}
	slices.Sort(services)
	return slices.Compact(services)
}

// readServicePerimeters reads the package's service perimeters. One that
// cannot be read as its kind is an error result and left out.
func (p *Package) readServicePerimeters(res *results.Collector) []*ServicePerimeter {
	var out []*ServicePerimeter
	for obj, spec := range specsOf[acm.AccessContextManagerServicePerimeterSpec](p.Items, KindServicePerimeter, res) {
		out = append(out, &ServicePerimeter{Object: obj, Spec: spec})
	}
	return out
}
