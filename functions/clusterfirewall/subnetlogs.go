package clusterfirewall

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/lockdown-krm/lockdown/internal/facts"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/krmfn"
	"github.com/lockdown-krm/lockdown/internal/results"
	"github.com/lockdown-krm/lockdown/internal/yamledit"
)

// logConfigPath is where a ComputeSubnetwork keeps its flow log settings.
var logConfigPath = []string{"spec", "logConfig"}

// subnetLogs are the subnetworks of the package whose flow logs the
// config turns on: those the clusters' nodes use, each once, with the
// clusters on it.
type subnetLogs struct {
	cfg      FlowLogs
	subnets  []*facts.Subnetwork
	clusters map[*facts.Subnetwork][]string
}

// add takes the cluster's node subnetwork when the package holds it, and
// says what it cannot edit. Flow logs are recorded where the VMs are
// (gcp.FlowLogIntervals): a Private Service Connect endpoint subnetwork
// holds no VM of the cluster, so it is left as it is.
func (l *subnetLogs) add(in krmfn.Input[ClusterFirewall], c *facts.Cluster) {
	if !in.Config.FlowLogs.Enabled {
		return
	}
	l.cfg = in.Config.FlowLogs
	if l.clusters == nil {
		l.clusters = map[*facts.Subnetwork][]string{}
	}
	switch s := c.Subnetwork; {
	case s != nil:
		if _, seen := l.clusters[s]; !seen {
			l.subnets = append(l.subnets, s)
		}
		l.clusters[s] = append(l.clusters[s], c.Name())
	default:
		in.Results.Warning(c.Object, "spec.subnetworkRef", "%s", outsideSubnet(c))
	}
	if e := c.EndpointSubnetwork; e != nil && e != c.Subnetwork {
		in.Results.Info(e.Object, strings.Join(logConfigPath, "."),
			"holds the Private Service Connect endpoint of ContainerCluster %s's control plane, not VMs: its flow logs are left as they are; the nodes' subnetwork records their flows to the control plane",
			c.Name())
	}
}

// outsideSubnet says why the flow logs of a cluster's subnetwork cannot
// be turned on here, and who can.
func outsideSubnet(c *facts.Cluster) string {
	const want = "flowLogs.enabled is true in " + Name + "'s config, but"
	switch r := c.Spec.SubnetworkRef; {
	case r != nil && r.External != "":
		owner := "the project that owns it (the Shared VPC host)"
		if p := facts.ParseExternal(r.External).Project; p != "" {
			owner = "project " + p + " (the Shared VPC host)"
		}
		return fmt.Sprintf("%s subnetwork %s is outside the package, so its flow logs cannot be turned on here: the owner of %s must turn them on (spec.logConfig of its ComputeSubnetwork, or gcloud compute networks subnets update --enable-flow-logs)",
			want, r.External, owner)
	case r != nil:
		return fmt.Sprintf("%s ComputeSubnetwork %s is not in the package, so its flow logs cannot be turned on here: render it with this package, or set its spec.logConfig where it is kept", want, r.Name)
	}
	return fmt.Sprintf("%s ContainerCluster %s names no subnetwork whose flow logs could be turned on: set spec.subnetworkRef", want, c.Name())
}

// apply sets spec.logConfig on each subnetwork, field by field, so that
// comments and the user's other fields stay, and says what changed.
func (l *subnetLogs) apply(res *results.Collector) {
	for _, s := range l.subnets {
		changes := editLogConfig(s, l.cfg.wanted(s.Spec.LogConfig), res)
		if len(changes) == 0 {
			continue // already as configured
		}
		format := "flow logs turned on for the nodes of %s (flowLogs in %s's config): %s"
		if s.Spec.LogConfig != nil {
			format = "flow logs were already on for the nodes of %s, with other settings; flowLogs in %s's config changed: %s"
		}
		res.Info(s.Object, strings.Join(logConfigPath, "."), format, clustersNamed(l.clusters[s]), Name, strings.Join(changes, ", "))
	}
}

func clustersNamed(names []string) string {
	if len(names) == 1 {
		return "ContainerCluster " + names[0]
	}
	return "ContainerClusters " + strings.Join(names, ", ")
}

// wanted is the logConfig the subnetwork gets: the configured fields;
// for the others what it has, else GCP's defaults. metadataFields goes
// with CUSTOM_METADATA only.
func (f FlowLogs) wanted(have *compute.SubnetworkLogConfig) compute.SubnetworkLogConfig {
	w := compute.SubnetworkLogConfig{}
	if have != nil {
		w = *have
	}
	w.AggregationInterval = pick(f.AggregationInterval, w.AggregationInterval, gcp.DefaultFlowLogInterval)
	w.Metadata = pick(f.Metadata, w.Metadata, gcp.DefaultFlowLogMetadata)
	switch {
	case f.FlowSampling != nil:
		w.FlowSampling = f.FlowSampling
	case w.FlowSampling == nil:
		rate := gcp.DefaultFlowSampling
		w.FlowSampling = &rate
	}
	if f.FilterExpr != "" {
		w.FilterExpr = &f.FilterExpr
	}
	switch {
	case !isCustom(w.Metadata):
		w.MetadataFields = nil
	case len(f.MetadataFields) > 0:
		w.MetadataFields = f.MetadataFields
	}
	return w
}

// pick is the configured value, else the one there is, else def.
func pick(configured string, have *string, def string) *string {
	switch {
	case configured != "":
		return &configured
	case have != nil && *have != "":
		return have
	}
	return &def
}

// logEdit edits one subnetwork's logConfig and lists what changed.
type logEdit struct {
	root    *yaml.Node
	subject results.Subject
	res     *results.Collector
	changes []string
}

func editLogConfig(s *facts.Subnetwork, w compute.SubnetworkLogConfig, res *results.Collector) []string {
	have := s.Spec.LogConfig
	if have == nil {
		have = &compute.SubnetworkLogConfig{}
	}
	e := &logEdit{subject: results.SubjectOf(s.Object), res: res}
	_ = yamledit.Edit(s.Object, func(root *yaml.Node) error {
		e.root = root
		e.setString("aggregationInterval", have.AggregationInterval, w.AggregationInterval)
		e.setRate(have.FlowSampling, *w.FlowSampling)
		e.setString("metadata", have.Metadata, w.Metadata)
		e.setFields(have.MetadataFields, w.MetadataFields)
		e.setString("filterExpr", have.FilterExpr, w.FilterExpr)
		return nil
	})
	return e.changes
}

func (e *logEdit) setString(key string, have, want *string) {
	if want == nil || (have != nil && *have == *want) {
		return
	}
	if e.set(key, func(path []string) (bool, error) { return yamledit.SetString(e.root, *want, path...) }) {
		e.changes = append(e.changes, changed(key, have, *want))
	}
}

// setRate compares rates as numbers: 1 and 1.0 are the same rate.
func (e *logEdit) setRate(have *float64, want float64) {
	if have != nil && *have == want {
		return
	}
	text := formatRate(want)
	if e.set("flowSampling", func(path []string) (bool, error) {
		return yamledit.SetScalar(e.root, text, yaml.NodeTagFloat, path...)
	}) {
		var was *string
		if have != nil {
			s := formatRate(*have)
			was = &s
		}
		e.changes = append(e.changes, changed("flowSampling", was, text))
	}
}

func (e *logEdit) setFields(have, want []string) {
	path := slices.Concat(logConfigPath, []string{"metadataFields"})
	switch {
	case len(want) == 0 && len(have) > 0:
		if yamledit.Remove(e.root, path...) {
			e.changes = append(e.changes, fmt.Sprintf("metadataFields removed (GCP takes them with %s only)", gcp.CustomMetadata))
		}
	case len(want) > 0 && !sameFields(have, want):
		list := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		for _, f := range want {
			list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: f})
		}
		if e.set("metadataFields", func(path []string) (bool, error) { return true, yamledit.SetNode(e.root, list, path...) }) {
			e.changes = append(e.changes, "metadataFields ["+strings.Join(want, ", ")+"]")
		}
	}
}

// set runs one field's edit at spec.logConfig.<key>, reports a failure,
// and warns when the field carries a setter that would undo the edit.
func (e *logEdit) set(key string, edit func(path []string) (bool, error)) bool {
	path := slices.Concat(logConfigPath, []string{key})
	field := strings.Join(path, ".")
	marker := yamledit.SetterMarker(e.root, path...)
	done, err := edit(path)
	if err != nil {
		e.res.Report(fn.Error, e.subject, field, "cannot set flow logs: %v", err)
		return false
	}
	if done && marker != "" {
		e.res.Report(fn.Warning, e.subject, field, "has the setter marker %q: apply-setters will undo %s's flowLogs here; set the setter's value instead", marker, Name)
	}
	return done
}

func changed(key string, was *string, now string) string {
	if was == nil {
		return key + " " + now
	}
	return fmt.Sprintf("%s %s (was %s)", key, now, *was)
}

// formatRate writes a rate as a YAML float: 0.5, 1.0.
func formatRate(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}
