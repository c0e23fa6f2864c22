package privatecluster

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// apply writes a checked plan into the cluster and its node pools.
func apply(pl *plan, res *results.Collector) {
	edit(pl.cluster.Object, res, func(e *editor) { applyCluster(e, pl) })
	for _, pool := range pl.cluster.NodePools {
		edit(pool.Object, res, func(e *editor) { tagNodes(e, pl, "spec", "nodeConfig") })
	}
}

func applyCluster(e *editor, pl *plan) {
	pcc := []string{"spec", "privateClusterConfig"}
	e.setBool(true, append(pcc, "enablePrivateNodes")...)
	if pl.privateEndpoint != nil && pl.ipEndpointsOn {
		e.setBool(*pl.privateEndpoint, append(pcc, "enablePrivateEndpoint")...)
	}
	applyControlPlane(e, pl)
	if pl.globalAccess != nil && pl.ipEndpointsOn {
		e.setBool(*pl.globalAccess, append(pcc, "masterGlobalAccessConfig", "enabled")...)
	}
	e.setString("VPC_NATIVE", "spec", "networkingMode")
	if pl.podRange != "" {
		e.setString(pl.podRange, "spec", "ipAllocationPolicy", "clusterSecondaryRangeName")
		e.setString(pl.serviceRange, "spec", "ipAllocationPolicy", "servicesSecondaryRangeName")
	}
	if pl.podCIDR.IsValid() {
		e.setString(pl.podCIDR.String(), "spec", "ipAllocationPolicy", "clusterIpv4CidrBlock")
	}
	if pl.serviceCIDR.IsValid() {
		e.setString(pl.serviceCIDR.String(), "spec", "ipAllocationPolicy", "servicesIpv4CidrBlock")
	}
	e.ensureMapping("spec", "ipAllocationPolicy")
	if pl.ipEndpointsOn {
		// With the IP endpoints off GKE does not use authorized networks
		// (the CRD on ipEndpointsConfig.enabled): what is there is kept.
		applyAuthorizedNetworks(e, pl.authorized)
	}
	if pl.workloadPool != "" && !pl.keepIdentityNamespace {
		e.setString(pl.workloadPool, "spec", "workloadIdentityConfig", "workloadPool")
	}
	if pl.cluster.IsAutopilot() || pl.cluster.AutoProvisionsNodes() {
		// The nodes GKE provisions (all of Autopilot's; node
		// auto-provisioning's pools) take their tags from nodePoolAutoConfig.
		e.appendString(pl.nodeTag, "spec", "nodePoolAutoConfig", "networkTags", "tags")
	}
	if pl.cluster.IsAutopilot() {
		// Autopilot runs Dataplane V2 and shielded nodes itself.
		return
	}
	applyProvider(e, pl.provider)
	e.setBool(true, "spec", "enableShieldedNodes")
	// The default node pool carries the tag too: when the cluster declares
	// its node config, or when no separate node pool does.
	if yamledit.Lookup(e.root, "spec", "nodeConfig") != nil || len(pl.cluster.NodePools) == 0 {
		tagNodes(e, pl, "spec", "nodeConfig")
	}
}

// applyControlPlane writes the model (the /28 for peering; for Private
// Service Connect no /28, and the endpoint subnetwork when the config
// names one) and the DNS and IP endpoints the config sets.
func applyControlPlane(e *editor, pl *plan) {
	pcc := []string{"spec", "privateClusterConfig"}
	switch {
	case pl.model == Peering:
		e.setString(pl.masterCIDR.String(), append(pcc, "masterIpv4CidrBlock")...)
	case pl.endpointSubnet != nil && pl.endpointSubnet.external != "":
		e.setString(pl.endpointSubnet.external, append(pcc, "privateEndpointSubnetworkRef", "external")...)
	case pl.endpointSubnet != nil:
		e.setString(pl.endpointSubnet.name, append(pcc, "privateEndpointSubnetworkRef", "name")...)
	}
	endpoints := []string{"spec", "controlPlaneEndpointsConfig"}
	if pl.dnsEndpoint != nil {
		e.setBool(*pl.dnsEndpoint, append(endpoints, "dnsEndpointConfig", "allowExternalTraffic")...)
	}
	if pl.ipEndpoints != nil {
		e.setBool(*pl.ipEndpoints, append(endpoints, "ipEndpointsConfig", "enabled")...)
	}
}

// tagNodes gives nodes the tag the firewall targets and, with Workload
// Identity on, the metadata server that makes it work.
func tagNodes(e *editor, pl *plan, nodeConfig ...string) {
	e.appendString(pl.nodeTag, append(nodeConfig, "tags")...)
	if pl.workloadPool != "" {
		e.setString("GKE_METADATA", append(nodeConfig, "workloadMetadataConfig", "mode")...)
	}
}

func applyAuthorizedNetworks(e *editor, want *AuthorizedNetworks) {
	man := []string{"spec", "masterAuthorizedNetworksConfig"}
	if want == nil {
		// Unset in the config: keep the cluster's list, and where it has
		// none, turn the feature on with no ranges (only the VPC gets in).
		e.ensureMapping(man...)
		return
	}
	existing := yamledit.Lookup(e.root, append(man, "cidrBlocks")...)
	if sameAuthorizedNetworks(existing, *want) {
		e.ensureMapping(man...)
		return
	}
	list := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
	for _, n := range *want {
		list.Content = append(list.Content, authorizedNetworkNode(existing, n))
	}
	if len(*want) == 0 {
		e.remove(append(man, "cidrBlocks")...)
		e.ensureMapping(man...)
		return
	}
	e.setNode(list, describeNetworks(*want), append(man, "cidrBlocks")...)
}

// authorizedNetworkNode builds the list entry for n, reusing the entry the
// cluster already has for the same range so that its comments survive.
func authorizedNetworkNode(existing *yaml.Node, n AuthorizedNetwork) *yaml.Node {
	if existing != nil {
		for _, item := range existing.Content {
			if yamledit.Scalar(item, "cidrBlock") == n.CIDRBlock.Text {
				_, _ = yamledit.SetString(item, n.DisplayName, "displayName")
				return item
			}
		}
	}
	return yamledit.StringMapping("cidrBlock", n.CIDRBlock.Text, "displayName", n.DisplayName)
}

func sameAuthorizedNetworks(have *yaml.Node, want AuthorizedNetworks) bool {
	var n int
	if have != nil {
		n = len(have.Content)
	}
	if n != len(want) {
		return false
	}
	for i, w := range want {
		item := have.Content[i]
		if yamledit.Scalar(item, "cidrBlock") != w.CIDRBlock.Text || yamledit.Scalar(item, "displayName") != w.DisplayName {
			return false
		}
	}
	return true
}

func applyProvider(e *editor, provider string) {
	datapath := yamledit.Lookup(e.root, "spec", "datapathProvider")
	switchesDatapath := func(to string) {
		if datapath != nil && datapath.Value != to {
			e.res.Report(fn.Warning, e.subject, "spec.datapathProvider",
				"changing the datapath from %s to %s cannot be done in place: GKE recreates an existing cluster", datapath.Value, to)
		}
	}
	switch provider {
	case Calico:
		if datapath != nil && datapath.Value == "ADVANCED_DATAPATH" {
			switchesDatapath("LEGACY_DATAPATH")
			e.setString("LEGACY_DATAPATH", "spec", "datapathProvider")
		}
		e.setBool(true, "spec", "networkPolicy", "enabled")
		e.setString("CALICO", "spec", "networkPolicy", "provider")
		e.setBool(false, "spec", "addonsConfig", "networkPolicyConfig", "disabled")
	default:
		switchesDatapath("ADVANCED_DATAPATH")
		e.setString("ADVANCED_DATAPATH", "spec", "datapathProvider")
		// Dataplane V2 enforces NetworkPolicy itself; GKE refuses the Calico
		// settings beside it.
		e.remove("spec", "networkPolicy")
		if yamledit.Lookup(e.root, "spec", "addonsConfig", "networkPolicyConfig") != nil {
			e.setBool(true, "spec", "addonsConfig", "networkPolicyConfig", "disabled")
		}
	}
}

// editor applies field edits to one object and reports each change.
type editor struct {
	subject results.Subject
	root    *yaml.Node
	res     *results.Collector
}

func edit(obj *fn.KubeObject, res *results.Collector, f func(e *editor)) {
	// The subject is taken first: obj is empty while its node is out for editing.
	e := &editor{subject: results.SubjectOf(obj), res: res}
	_ = yamledit.Edit(obj, func(root *yaml.Node) error {
		e.root = root
		f(e)
		return nil
	})
}

func (e *editor) setString(v string, path ...string) {
	e.changed(fmt.Sprintf("set to %q", v), path, func() (bool, error) { return yamledit.SetString(e.root, v, path...) })
}

func (e *editor) setBool(v bool, path ...string) {
	e.changed(fmt.Sprintf("set to %v", v), path, func() (bool, error) { return yamledit.SetBool(e.root, v, path...) })
}

func (e *editor) appendString(v string, path ...string) {
	e.changed(fmt.Sprintf("added %q", v), path, func() (bool, error) { return yamledit.AppendString(e.root, v, path...) })
}

func (e *editor) ensureMapping(path ...string) {
	e.changed("set to {}", path, func() (bool, error) { return yamledit.EnsureMapping(e.root, path...) })
}

func (e *editor) setNode(n *yaml.Node, what string, path ...string) {
	e.changed("set to "+what, path, func() (bool, error) { return true, yamledit.SetNode(e.root, n, path...) })
}

func (e *editor) remove(path ...string) {
	if yamledit.Remove(e.root, path...) {
		e.res.Report(fn.Info, e.subject, strings.Join(path, "."), "removed")
	}
}

// changed runs one edit and reports it: an info result for the change, and
// a warning when the field carries a kpt-set marker, because the next
// apply-setters run would put the setter's value back.
func (e *editor) changed(message string, path []string, do func() (bool, error)) {
	field := strings.Join(path, ".")
	marker := yamledit.SetterMarker(e.root, path...)
	changed, err := do()
	switch {
	case err != nil:
		e.res.Report(fn.Error, e.subject, field, "cannot edit: %v", err)
	case changed && marker != "":
		e.res.Report(fn.Warning, e.subject, field, "%s, but the field has the setter marker %q: change the setter's value instead, or apply-setters will undo this", message, marker)
	case changed:
		e.res.Report(fn.Info, e.subject, field, "%s", message)
	}
}

func describeNetworks(list AuthorizedNetworks) string {
	parts := make([]string, len(list))
	for i, n := range list {
		parts[i] = n.DisplayName + "=" + n.CIDRBlock.Text
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
