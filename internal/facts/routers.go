package facts

import (
	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// Config Connector kinds of Cloud Routers and their NAT gateways.
const (
	KindRouter    = "ComputeRouter"
	KindRouterNAT = "ComputeRouterNAT"
)

// Router is a ComputeRouter of the package.
type Router struct {
	Object  *fn.KubeObject
	Spec    compute.ComputeRouterSpec
	Network NetworkID
}

// RouterNAT is a ComputeRouterNAT of the package.
type RouterNAT struct {
	Object *fn.KubeObject
	Spec   compute.ComputeRouterNATSpec
	Router *Router // nil when the router is not in the package
}

// Network is the NAT's network, through its router; "" when the router is
// not in the package.
func (n *RouterNAT) Network() NetworkID {
	if n.Router == nil {
		return ""
	}
	return n.Router.Network
}

// readRouterNATs reads the package's Cloud NAT gateways and links each to its
// router. Objects that cannot be read as their kind are error results and
// left out.
func (p *Package) readRouterNATs(res *results.Collector) []*RouterNAT {
	routers := map[Key]*Router{}
	var nats []*RouterNAT
	for _, obj := range p.Items {
		if !isKCC(obj) {
			continue
		}
		switch obj.GetKind() {
		case KindRouter:
			r := &Router{Object: obj}
			if decode(obj, &r.Spec, res) {
				r.Network = networkID(obj, refOf(&r.Spec.NetworkRef))
				routers[keyOf(obj)] = r
			}
		case KindRouterNAT:
			n := &RouterNAT{Object: obj}
			if decode(obj, &n.Spec, res) {
				nats = append(nats, n)
			}
		}
	}
	for _, n := range nats {
		n.Router = routers[refKey(KindRouter, n.Object, refOf(&n.Spec.RouterRef))]
	}
	return nats
}
