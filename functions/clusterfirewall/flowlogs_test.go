package clusterfirewall

import (
	"strings"
	"testing"

	compute "github.com/GoogleCloudPlatform/k8s-config-connector/pkg/clients/generated/apis/compute/v1beta1"
	"github.com/google/go-cmp/cmp"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

func rate(f float64) *float64 { return &f }

func str(s string) *string { return &s }

// The ConfigMap form: a bare switch, pairs, fields separated by blanks,
// and a filter expression that keeps its commas because it comes last.
func TestFlowLogsFromConfigMap(t *testing.T) {
	for _, tc := range []struct {
		text string
		want FlowLogs
	}{
		{"true", FlowLogs{Enabled: true}},
		{" false ", FlowLogs{}},
		{"enabled=true, flowSampling=0.25", FlowLogs{Enabled: true, FlowSampling: rate(0.25)}},
		{"enabled=true,metadata=CUSTOM_METADATA,metadataFields=src_instance  dest_instance",
			FlowLogs{Enabled: true, Metadata: gcp.CustomMetadata, MetadataFields: []string{"src_instance", "dest_instance"}}},
		{"enabled=true, aggregationInterval=INTERVAL_1_MIN, filterExpr=inIpRange(connection.src_ip, '10.0.0.0/8') && connection.dest_port == 443",
			FlowLogs{Enabled: true, AggregationInterval: "INTERVAL_1_MIN", FilterExpr: "inIpRange(connection.src_ip, '10.0.0.0/8') && connection.dest_port == 443"}},
		{"filterExpr=true", FlowLogs{FilterExpr: "true"}},
		// filterExpr starts an entry; inside another value it is that
		// value's text (which Validate then refuses as a metadata setting).
		{"metadata=x filterExpr=true", FlowLogs{Metadata: "x filterExpr=true"}},
	} {
		var got FlowLogs
		if err := got.SetFromConfigMap(tc.text); err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.text, diff)
		}
	}
}

func TestFlowLogsFromConfigMapErrors(t *testing.T) {
	for text, want := range map[string]string{
		"yes":                             `entry "yes": expected key=value`,
		"enabled=maybe":                   "enabled: expected true or false",
		"enabled=true, flowSampling=half": "flowSampling: expected a number",
		"enabled=true, sampling=0.5":      `unknown key "sampling"`,
		"enabled=true, enabled=false":     "enabled is given twice",
	} {
		var got FlowLogs
		err := got.SetFromConfigMap(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want an error with %q, got %v", text, want, err)
		}
	}
}

// What a subnetwork's logConfig becomes: the configured fields win, the
// subnetwork's own fill the rest, GCP's defaults what neither gives, and
// metadataFields lives only with CUSTOM_METADATA.
func TestWantedLogConfig(t *testing.T) {
	defaults := compute.SubnetworkLogConfig{
		AggregationInterval: str(gcp.DefaultFlowLogInterval), FlowSampling: rate(gcp.DefaultFlowSampling), Metadata: str(gcp.DefaultFlowLogMetadata),
	}
	custom := &compute.SubnetworkLogConfig{
		AggregationInterval: str("INTERVAL_10_MIN"), FlowSampling: rate(1), Metadata: str(gcp.CustomMetadata),
		MetadataFields: []string{"src_instance"}, FilterExpr: str("true"),
	}
	for name, tc := range map[string]struct {
		cfg  FlowLogs
		have *compute.SubnetworkLogConfig
		want compute.SubnetworkLogConfig
	}{
		"new, defaults":   {FlowLogs{Enabled: true}, nil, defaults},
		"empty logConfig": {FlowLogs{Enabled: true}, &compute.SubnetworkLogConfig{}, defaults},
		"existing kept":   {FlowLogs{Enabled: true}, custom, *custom},
		"configured wins": {
			FlowLogs{Enabled: true, FlowSampling: rate(0.1), MetadataFields: []string{"dest_instance"}, Metadata: gcp.CustomMetadata},
			custom,
			compute.SubnetworkLogConfig{AggregationInterval: str("INTERVAL_10_MIN"), FlowSampling: rate(0.1), Metadata: str(gcp.CustomMetadata),
				MetadataFields: []string{"dest_instance"}, FilterExpr: str("true")},
		},
		"fields go with custom": {
			FlowLogs{Enabled: true, Metadata: gcp.ExcludeAllMetadata},
			custom,
			compute.SubnetworkLogConfig{AggregationInterval: str("INTERVAL_10_MIN"), FlowSampling: rate(1), Metadata: str(gcp.ExcludeAllMetadata), FilterExpr: str("true")},
		},
	} {
		if diff := cmp.Diff(tc.want, tc.cfg.wanted(tc.have)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 0.5: "0.5", 0.25: "0.25", 0.001: "0.001"} {
		if got := formatRate(f); got != want {
			t.Errorf("formatRate(%v) = %q, want %q", f, got, want)
		}
	}
}
