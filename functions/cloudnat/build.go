package cloudnat

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	computealpha "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1alpha1"
	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	kccref "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/k8s/v1alpha1"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/kcc"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// generate returns every object the network needs, in a stable order:
// per region the router, its NAT and addresses; then the internet route,
// the allowedCidrs rules per cluster and the allowedHosts policy.
func (p *planner) generate(n *network) []*fn.KubeObject {
	var out []*fn.KubeObject
	for _, r := range n.regions {
		out = append(out, p.gateway(n, r)...)
	}
	out = append(out, p.internetRoute(n))
	if cidrs := p.cfg.cidrs(); len(cidrs) > 0 {
		for _, c := range n.clusters {
			out = append(out, p.cidrAllow(n, c, cidrs))
		}
	}
	if hosts := p.cfg.hosts(); len(hosts) > 0 {
		out = append(out, p.hostAllow(n, hosts)...)
	}
	return slices.DeleteFunc(out, func(o *fn.KubeObject) bool { return o == nil })
}

// build converts a typed Config Connector object; a failure is a bug.
func (p *planner) build(typed any) *fn.KubeObject { return kcc.Build(p.res, typed) }

// gateway is the router, the NAT and its static addresses of one region.
func (p *planner) gateway(n *network, r *region) []*fn.KubeObject {
	routerName := n.objectName(r.name, "router")
	router := &compute.ComputeRouter{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeRouter"),
		ObjectMeta: n.meta(routerName),
		Spec: compute.ComputeRouterSpec{
			Description: kcc.Ptr("Cloud Router for the Cloud NAT of network " + n.name + " in " + r.name),
			NetworkRef:  n.ref,
			Region:      r.name,
		},
	}
	out := []*fn.KubeObject{p.build(router)}
	var natIPs []kccref.ResourceRef
	if p.cfg.allocateOption() == ManualOnly {
		for i := 1; i <= *p.cfg.StaticAddressCount; i++ {
			name := n.objectName(r.name, "nat-ip", strconv.Itoa(i))
			natIPs = append(natIPs, kcc.Ref(name))
			out = append(out, p.build(&compute.ComputeAddress{
				TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeAddress"),
				ObjectMeta: n.meta(name),
				Spec:       compute.ComputeAddressSpec{AddressType: kcc.Ptr("EXTERNAL"), Location: r.name},
			}))
		}
	}
	typed := p.natObject(n, r, routerName, natIPs)
	nat := p.build(typed)
	out = append(out, nat)
	if nat != nil {
		p.note(nat, "", "Cloud NAT of network %s in %s for %s: %s, %s",
			n, r.name, names(r.clusters), describeAllocation(p.cfg), describeSubnetworks(typed.Spec))
	}
	return out
}

func describeAllocation(c *CloudNAT) string {
	switch {
	case c.allocateOption() != ManualOnly:
		return AutoOnly
	case *c.StaticAddressCount == 1:
		return ManualOnly + " with 1 static address"
	}
	return fmt.Sprintf("%s with %d static addresses", ManualOnly, *c.StaticAddressCount)
}

func describeSubnetworks(spec compute.ComputeRouterNATSpec) string {
	if len(spec.Subnetwork) == 0 {
		return spec.SourceSubnetworkIpRangesToNat
	}
	var list []string
	for _, s := range spec.Subnetwork {
		list = append(list, facts.Ref{Name: s.SubnetworkRef.Name, Namespace: s.SubnetworkRef.Namespace, External: s.SubnetworkRef.External}.String())
	}
	return spec.SourceSubnetworkIpRangesToNat + " (" + strings.Join(list, ", ") + ")"
}

func (p *planner) natObject(n *network, r *region, routerName string, natIPs []kccref.ResourceRef) *compute.ComputeRouterNAT {
	spec := compute.ComputeRouterNATSpec{
		Region:                           r.name,
		RouterRef:                        kcc.Ref(routerName),
		NatIpAllocateOption:              p.cfg.allocateOption(),
		NatIps:                           natIPs,
		SourceSubnetworkIpRangesToNat:    "ALL_SUBNETWORKS_ALL_IP_RANGES",
		MinPortsPerVm:                    p.cfg.MinPortsPerVM,
		MaxPortsPerVm:                    p.cfg.MaxPortsPerVM,
		EnableDynamicPortAllocation:      p.cfg.DynamicPortAllocation,
		EnableEndpointIndependentMapping: p.cfg.EndpointIndependentMapping,
	}
	if p.cfg.dynamicPorts() && spec.EnableEndpointIndependentMapping == nil {
		// Cloud NAT refuses dynamic port allocation beside endpoint-independent
		// mapping, which it may otherwise turn on by default.
		spec.EnableEndpointIndependentMapping = kcc.Ptr(false)
	}
	if p.cfg.LogFilter != "" {
		spec.LogConfig = &compute.RouternatLogConfig{Enable: true, Filter: p.cfg.LogFilter}
	}
	var keys []string
	if p.cfg.Subnetworks == SubnetworksClusters {
		spec.SourceSubnetworkIpRangesToNat = "LIST_OF_SUBNETWORKS"
		spec.Subnetwork, keys = p.clusterSubnetworks(n, r)
	}
	p.checkNATs(n, r, p.cfg.Subnetworks == SubnetworksClusters, keys)
	return &compute.ComputeRouterNAT{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeRouterNAT"),
		ObjectMeta: n.meta(n.objectName(r.name, "nat")),
		Spec:       spec,
	}
}

// clusterSubnetworks lists the subnetworks of the region's clusters, each
// once and sorted, with keys that identify them for comparison.
func (p *planner) clusterSubnetworks(n *network, r *region) ([]compute.RouternatSubnetwork, []string) {
	byKey := map[string]compute.RouternatSubnetwork{}
	for _, c := range r.clusters {
		sr := c.Spec.SubnetworkRef
		if sr == nil {
			p.res.Error(c.Object, "spec.subnetworkRef", "subnetworks: clusters lists the clusters' subnetworks, and %s names none: set spec.subnetworkRef, or use subnetworks: all", c.Name())
			continue
		}
		ref := refFrom(facts.Ref{Name: sr.Name, Namespace: sr.Namespace, External: sr.External}, c.Object.GetNamespace(), n.like.GetNamespace())
		byKey[refKey(*sr, c.Object.GetNamespace())] = compute.RouternatSubnetwork{
			SubnetworkRef:       ref,
			SourceIpRangesToNat: []string{"ALL_IP_RANGES"},
		}
	}
	keys := slices.Sorted(maps.Keys(byKey))
	out := make([]compute.RouternatSubnetwork, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out, keys
}

// internetRoute is the route to 0.0.0.0/0 through the default internet
// gateway, which Cloud NAT needs, for a network that deleted GCP's own. A
// route the package already has is used instead.
func (p *planner) internetRoute(n *network) *fn.KubeObject {
	if n.net == nil || !n.net.DeletesDefaultRoutes() {
		return nil
	}
	if r := p.userInternetRoute(n); r != nil {
		p.note(r.Object, "", "network %s deletes its default route; Cloud NAT uses this route to the internet, so cloud-nat generates none", n)
		return nil
	}
	prio, why := p.routePriority(n)
	tags := p.routeTags(n)
	route := p.build(&compute.ComputeRoute{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeRoute"),
		ObjectMeta: n.meta(n.objectName("internet-egress")),
		Spec: compute.ComputeRouteSpec{
			Description:    kcc.Ptr("Route to the internet for Cloud NAT; network " + n.name + " deletes its default route"),
			DestRange:      "0.0.0.0/0",
			NetworkRef:     n.ref,
			NextHopGateway: kcc.Ptr(gcp.DefaultInternetGateway),
			Priority:       kcc.Ptr(prio),
			Tags:           tags,
		},
	})
	if route != nil {
		p.note(route, "spec.priority", "priority %d: %s", prio, why)
		if len(tags) > 0 {
			p.note(route, "spec.tags", "serves only the nodes of %s (%s): other VMs of network %s, a bastion among them, get no route to the internet and reach Google APIs through the VIP's route only",
				names(n.clusters), strings.Join(tags, ", "), n)
		}
	}
	return route
}

// routeTags are the node tags of the network's clusters, which the route
// to the internet applies to. A static route with network tags applies
// only to the instances that carry one of them ("Route parameters",
// network tags, of https://cloud.google.com/vpc/docs/static-routes, read
// 2026-12-02; Google's network module makes its internet egress route
// the same way: terraform-google-modules/terraform-google-network,
// modules/routes, its "egress-internet" example tagged "egress-inet").
// So the nodes reach Cloud NAT, and other VMs of the network, a bastion
// above all, have no route out but the VIP's. Cloud NAT sends out only
// what a route to the default internet gateway brings it
// (https://cloud.google.com/nat/docs/overview, read 2026-12-02), so the
// NAT may keep serving every subnetwork: scoping it by subnetwork would
// not help, the bastion sits in the nodes' subnetwork. When some
// cluster's nodes share no tag, the route cannot tell them from other
// VMs: it stays untagged, serving every VM, with a warning.
func (p *planner) routeTags(n *network) []string {
	var tags []string
	for _, c := range n.clusters {
		tag, err := c.NodeTag()
		if err != nil {
			p.res.Warning(c.Object, "spec.nodeConfig.tags",
				"the route to the internet %s cannot be limited to the nodes of %s, so it serves every VM of network %s, a bastion too: %v",
				n.objectName("internet-egress"), results.Describe(c.Object), n, err)
			return nil
		}
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	return slices.Compact(tags)
}

// cidrAllow is the VPC firewall rule that lets one cluster's nodes reach
// the allowedCidrs.
func (p *planner) cidrAllow(n *network, c *facts.Cluster, cidrs []string) *fn.KubeObject {
	tag, err := c.NodeTag()
	if err != nil {
		p.reportNodeTag(c, err)
		return nil
	}
	prio, why := p.allowPriority(n, tag)
	fw := p.build(&compute.ComputeFirewall{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeFirewall"),
		ObjectMeta: n.meta(namer.Name(n.clusterStem(c), "allow-egress-cidrs")),
		Spec: compute.ComputeFirewallSpec{
			Allow:             []compute.FirewallAllow{{Protocol: "tcp", Ports: p.cfg.ports()}},
			Description:       kcc.Ptr("Lets the nodes of cluster " + c.Name() + " reach the allowedCidrs of cloud-nat"),
			DestinationRanges: cidrs,
			Direction:         kcc.Ptr("EGRESS"),
			NetworkRef:        n.ref,
			Priority:          kcc.Ptr(prio),
			TargetTags:        []string{tag},
		},
	})
	if fw != nil {
		p.note(fw, "spec.priority", "priority %d: %s", prio, why)
	}
	return fw
}

// hostAllow is the network firewall policy that lets the network's nodes
// reach the allowedHosts: the policy, its one rule, and its association
// with the network.
func (p *planner) hostAllow(n *network, hosts []string) []*fn.KubeObject {
	project := p.projectOf(n)
	if project == "" {
		p.res.Error(n.like, "metadata.annotations", "the GCP project of network %s is unknown, and the network firewall policy for allowedHosts must name it: set the %s annotation on %s or on its Namespace",
			n, kcc.ProjectIDAnnotation, n.like.GetName())
		return nil
	}
	p.checkAssociations(n)
	p.checkEnforcementOrder(n)
	name, projectRef := n.objectName("egress-fqdn"), kccref.ResourceRef{External: project}
	targets := p.fqdnTargets(n)
	rule := p.build(p.fqdnRule(n, name, projectRef, hosts, targets))
	if rule != nil {
		p.note(rule, "spec.targetServiceAccountRefs", "%s", describeTargets(n, targets))
	}
	policy := &compute.ComputeNetworkFirewallPolicy{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeNetworkFirewallPolicy"),
		ObjectMeta: n.meta(name),
		Spec: compute.ComputeNetworkFirewallPolicySpec{
			Description: kcc.Ptr("Egress to the allowedHosts of cloud-nat from network " + n.name),
			ProjectRef:  projectRef,
		},
	}
	assoc := &compute.ComputeNetworkFirewallPolicyAssociation{
		TypeMeta:   kcc.TypeMeta("compute", "v1beta1", "ComputeNetworkFirewallPolicyAssociation"),
		ObjectMeta: n.meta(name),
		Spec: compute.ComputeNetworkFirewallPolicyAssociationSpec{
			AttachmentTargetRef: n.ref,
			FirewallPolicyRef:   kcc.Ref(name),
			ProjectRef:          projectRef,
		},
	}
	return []*fn.KubeObject{p.build(policy), rule, p.build(assoc)}
}

// fqdnRule is the policy's one rule: egress on the allowed TCP ports to the
// allowed host names, from the nodes' service accounts (or every VM).
func (p *planner) fqdnRule(n *network, name string, projectRef kccref.ResourceRef, hosts []string, targets []kccref.ResourceRef) *computealpha.ComputeNetworkFirewallPolicyRule {
	return &computealpha.ComputeNetworkFirewallPolicyRule{
		// v1alpha1 is the only version its CRD serves.
		TypeMeta:   kcc.TypeMeta("compute", "v1alpha1", "ComputeNetworkFirewallPolicyRule"),
		ObjectMeta: n.meta(name),
		Spec: computealpha.ComputeNetworkFirewallPolicyRuleSpec{
			Action:            "allow",
			Description:       kcc.Ptr("Allows egress to the allowedHosts of cloud-nat"),
			Direction:         "EGRESS",
			FirewallPolicyRef: kcc.Ref(name),
			Match: computealpha.NetworkfirewallpolicyruleMatch{
				DestFqdns:     hosts,
				Layer4Configs: []computealpha.NetworkfirewallpolicyruleLayer4Configs{{IpProtocol: "tcp", Ports: p.cfg.ports()}},
			},
			ProjectRef: projectRef,
			// A policy rule's priority is its resourceID.
			ResourceID:               kcc.Ptr(strconv.Itoa(FQDNRulePriority)),
			TargetServiceAccountRefs: targets,
		},
	}
}

func describeTargets(n *network, targets []kccref.ResourceRef) string {
	if len(targets) == 0 {
		return "targets every VM on network " + n.String() + ": not every node runs as a service account of its own"
	}
	var accounts []string
	for _, t := range targets {
		accounts = append(accounts, facts.Ref{Name: t.Name, Namespace: t.Namespace, External: t.External}.String())
	}
	return "targets the nodes of " + names(n.clusters) + " through the service accounts they run as: " + strings.Join(accounts, ", ")
}
