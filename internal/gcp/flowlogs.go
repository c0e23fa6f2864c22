package gcp

import (
	"fmt"
	"slices"
	"strings"
)

// VPC Flow Logs of a subnetwork, as a ComputeSubnetwork's spec.logConfig
// sets them. Read 2026-12-02.
//
// What is logged: "VPC Flow Logs samples the following packets: Packets
// that are sent from and received by virtual machine (VM) instances,
// including instances used as Google Kubernetes Engine nodes; ... Cloud
// Run resources configured with Direct VPC egress; ... VLAN attachments
// for Cloud Interconnect and Cloud VPN tunnels"
// (https://cloud.google.com/vpc/docs/flow-logs). So the subnetwork whose
// flow logs record a cluster's traffic is the one its nodes' VMs are on;
// a subnetwork that holds only a Private Service Connect endpoint (a
// forwarding rule, not a VM) records nothing of the cluster that the
// nodes' subnetwork does not already record from the node's side. The
// same page (its Chinese edition, the text found that far) says egress
// packets are sampled before the egress firewall rules, so flows a
// deny-all egress drops are logged too: "出站数据包在出站防火墙规则之前进行抽样。
// 即使出站防火墙规则拒绝出站数据包,VPC 流日志也可以对这些数据包进行采样。"
//
// How Config Connector turns them on: ComputeSubnetwork is Terraform's
// google_compute_subnetwork (config/servicemappings/compute.yaml of
// Config Connector v1.154.1), whose logConfig has no "enable" field: "The
// log_config block is specified, so logging should be enabled", and
// without the block the provider sends "enable = false"
// (mmv1/templates/terraform/custom_expand/subnetwork_log_config.go.tmpl of
// https://github.com/GoogleCloudPlatform/magic-modules). Removing a
// subnetwork's logConfig therefore turns its flow logs off.
//
// The fields, their values and defaults: the ComputeSubnetwork CRD
// (config/crds/resources of Config Connector v1.154.1) types them as
// strings and a number without enums; the values are those of the
// Terraform resource behind it (mmv1/products/compute/Subnetwork.yaml of
// magic-modules, logConfig): aggregationInterval "default_value:
// INTERVAL_5_SEC", enum INTERVAL_5_SEC, INTERVAL_30_SEC, INTERVAL_1_MIN,
// INTERVAL_5_MIN, INTERVAL_10_MIN, INTERVAL_15_MIN; flowSampling "must be
// in [0, 1] ... 1.0 means all collected logs are reported and 0.0 means no
// logs are reported. Default is 0.5"; metadata "default_value:
// INCLUDE_ALL_METADATA", enum EXCLUDE_ALL_METADATA, INCLUDE_ALL_METADATA,
// CUSTOM_METADATA; metadataFields "Can only be specified if ... metadata
// is set to CUSTOM_METADATA"; filterExpr, a CEL expression whose "default
// value is 'true', which evaluates to include everything". The Compute
// API's client reference says "Default is EXCLUDE_ALL_METADATA" for
// metadata (SubnetworkLogConfig::Metadata,
// https://cloud.google.com/ruby/docs/reference/google-cloud-compute-v1/latest/Google-Cloud-Compute-V1-SubnetworkLogConfig-Metadata,
// and the CRD's description repeats it), which is not what Terraform, and
// so Config Connector, sends for an unset field: lockdown writes every
// field it decides, so that the object says what GCP gets.

// Flow log aggregation intervals, shortest first.
var FlowLogIntervals = []string{
	"INTERVAL_5_SEC", "INTERVAL_30_SEC", "INTERVAL_1_MIN",
	"INTERVAL_5_MIN", "INTERVAL_10_MIN", "INTERVAL_15_MIN",
}

// What flow log records carry beside their base fields.
const (
	IncludeAllMetadata = "INCLUDE_ALL_METADATA"
	ExcludeAllMetadata = "EXCLUDE_ALL_METADATA"
	// CustomMetadata carries the fields metadataFields lists.
	CustomMetadata = "CUSTOM_METADATA"
)

// FlowLogMetadata lists the metadata settings.
var FlowLogMetadata = []string{IncludeAllMetadata, ExcludeAllMetadata, CustomMetadata}

// The defaults Config Connector's Terraform resource sends for an unset
// field (see above).
const (
	DefaultFlowLogInterval = "INTERVAL_5_SEC"
	DefaultFlowSampling    = 0.5
	DefaultFlowLogMetadata = IncludeAllMetadata
)

// CheckFlowLogInterval says why s is not an aggregation interval, or nil.
func CheckFlowLogInterval(s string) error {
	if !slices.Contains(FlowLogIntervals, s) {
		return fmt.Errorf("%q is not a flow log aggregation interval: use one of %s", s, strings.Join(FlowLogIntervals, ", "))
	}
	return nil
}

// CheckFlowSampling says why f is not a sampling rate for flow logs that
// are on, or nil. GCP takes 0 to 1, but "0.0 means no logs are reported":
// flow logs turned on to report nothing are a mistake, so 0 is refused.
func CheckFlowSampling(f float64) error {
	if !(f > 0 && f <= 1) {
		return fmt.Errorf("%v is not a flow log sampling rate: give the share of flows to report, more than 0 and at most 1 (1.0 reports all, GCP's default is %v)", f, DefaultFlowSampling)
	}
	return nil
}

// CheckFlowLogMetadata says why s is not a metadata setting, or nil.
func CheckFlowLogMetadata(s string) error {
	if !slices.Contains(FlowLogMetadata, s) {
		return fmt.Errorf("%q is not a flow log metadata setting: use one of %s", s, strings.Join(FlowLogMetadata, ", "))
	}
	return nil
}
