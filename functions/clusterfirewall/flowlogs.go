package clusterfirewall

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
	"github.com/lockdown-krm/lockdown/internal/gcp"
	"github.com/lockdown-krm/lockdown/internal/results"
)

// FlowLogs turns VPC Flow Logs on for the subnetworks the clusters' nodes
// use (their ComputeSubnetwork's spec.logConfig; gcp.FlowLogIntervals
// says where the values come from). A field left unset keeps what the
// subnetwork has, else gets GCP's default.
type FlowLogs struct {
	// Enabled sets spec.logConfig on the nodes' subnetworks. Off (the
	// default) leaves every logConfig as it is: it never removes logs.
	Enabled bool `json:"enabled,omitempty"`
	// AggregationInterval is one of gcp.FlowLogIntervals.
	AggregationInterval string `json:"aggregationInterval,omitempty"`
	// FlowSampling is the share of flows reported, more than 0, at most 1.
	FlowSampling *float64 `json:"flowSampling,omitempty"`
	// Metadata is one of gcp.FlowLogMetadata.
	Metadata string `json:"metadata,omitempty"`
	// MetadataFields are the fields CUSTOM_METADATA adds.
	MetadataFields []string `json:"metadataFields,omitempty"`
	// FilterExpr is a CEL expression choosing the flows that are logged.
	FilterExpr string `json:"filterExpr,omitempty"`
}

var _ fnconfig.ConfigMapValue = &FlowLogs{}

// flowLogsKeys are the keys of the ConfigMap form, in the order they are
// documented.
var flowLogsKeys = []string{"enabled", "aggregationInterval", "flowSampling", "metadata", "metadataFields", "filterExpr"}

// filterKey starts the filter expression in the ConfigMap form. The
// expression may hold commas, so it comes last and takes the rest.
const filterKey = "filterExpr="

// SetFromConfigMap reads "true", "false", or pairs such as
// "enabled=true, aggregationInterval=INTERVAL_1_MIN, flowSampling=0.25,
// metadata=CUSTOM_METADATA, metadataFields=src_instance dest_instance,
// filterExpr=..." (metadataFields separated by blanks; filterExpr last).
func (f *FlowLogs) SetFromConfigMap(text string) error {
	if on, err := strconv.ParseBool(strings.TrimSpace(text)); err == nil {
		*f = FlowLogs{Enabled: on}
		return nil
	}
	out := FlowLogs{}
	head, filter, hasFilter := cutFilter(text)
	if hasFilter {
		out.FilterExpr = filter
	}
	seen := map[string]bool{"filterExpr": hasFilter}
	for _, p := range fnconfig.SplitPairs(head) {
		if !p.Found {
			return fmt.Errorf("entry %q: expected key=value, such as enabled=true; or write just true or false", p.Entry)
		}
		if seen[p.Key] {
			return fmt.Errorf("%s is given twice", p.Key)
		}
		seen[p.Key] = true
		if err := out.set(p.Key, p.Value); err != nil {
			return err
		}
	}
	*f = out
	return nil
}

// cutFilter splits text at the filterExpr entry, which must start an
// entry (at the beginning or after a comma).
func cutFilter(text string) (head, filter string, found bool) {
	for from := 0; ; {
		i := strings.Index(text[from:], filterKey)
		if i < 0 {
			return text, "", false
		}
		at := from + i
		if before := strings.TrimSpace(text[:at]); before == "" || strings.HasSuffix(before, ",") {
			return text[:at], strings.TrimSpace(text[at+len(filterKey):]), true
		}
		from = at + 1
	}
}

func (f *FlowLogs) set(key, value string) error {
	switch key {
	case "enabled":
		on, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("enabled: expected true or false, got %q", value)
		}
		f.Enabled = on
	case "aggregationInterval":
		f.AggregationInterval = value
	case "flowSampling":
		rate, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("flowSampling: expected a number such as 0.5, got %q", value)
		}
		f.FlowSampling = &rate
	case "metadata":
		f.Metadata = value
	case "metadataFields":
		f.MetadataFields = strings.Fields(value)
	default:
		return fmt.Errorf("unknown key %q; known keys: %s (filterExpr last)", key, strings.Join(flowLogsKeys, ", "))
	}
	return nil
}

// validate checks the values against what GCP takes, whether or not
// flow logs are on: a mistake should not wait for the day they are.
func (f FlowLogs) validate(src fnconfig.Source, res *results.Collector) {
	const field = "flowLogs"
	if f.AggregationInterval != "" {
		src.Check(res, field+".aggregationInterval", gcp.CheckFlowLogInterval(f.AggregationInterval))
	}
	if f.FlowSampling != nil {
		src.Check(res, field+".flowSampling", gcp.CheckFlowSampling(*f.FlowSampling))
	}
	if f.Metadata != "" {
		src.Check(res, field+".metadata", gcp.CheckFlowLogMetadata(f.Metadata))
	}
	f.validateMetadataFields(src, res, field+".metadataFields")
}

// validateMetadataFields wants the fields with CUSTOM_METADATA, and only
// then: GCP takes them "only if ... metadata is set to CUSTOM_METADATA".
// Their names are not checked against a list: the record format keeps
// gaining fields (https://cloud.google.com/vpc/docs/about-flow-logs-records).
func (f FlowLogs) validateMetadataFields(src fnconfig.Source, res *results.Collector, field string) {
	custom := f.Metadata == gcp.CustomMetadata
	switch {
	case custom && len(f.MetadataFields) == 0:
		src.Error(res, field, "metadata %s needs the metadata fields to add, such as [src_instance, dest_instance]; or use %s or %s",
			gcp.CustomMetadata, gcp.IncludeAllMetadata, gcp.ExcludeAllMetadata)
	case !custom && len(f.MetadataFields) > 0:
		src.Error(res, field, "GCP takes metadata fields only with metadata %s: set metadata to it, or remove metadataFields", gcp.CustomMetadata)
	}
	seen := map[string]int{}
	for i, name := range f.MetadataFields {
		at := fnconfig.Index(field, i)
		if j, dup := seen[name]; dup {
			src.Error(res, at, "%q is already metadataFields[%d]", name, j)
		}
		seen[name] = i
		if name == "" || strings.ContainsAny(name, " \t,") {
			src.Error(res, at, "%q is not a metadata field name, such as src_instance", name)
		}
	}
}

// isCustom tells whether metadata, as the subnetwork ends up with it,
// carries metadataFields.
func isCustom(metadata *string) bool {
	return metadata != nil && *metadata == gcp.CustomMetadata
}

// sameFields compares metadata field lists as GCP does: as sets.
func sameFields(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
