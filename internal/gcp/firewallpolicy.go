package gcp

// The order in which Cloud NGFW evaluates a network's firewall policies
// and its VPC firewall rules (networkFirewallPolicyEnforcementOrder).
// "AFTER_CLASSIC_FIREWALL (default)": hierarchical policies, regional
// system policies, "VPC firewall rules", then "Global network firewall
// policies"; "BEFORE_CLASSIC_FIREWALL": the global and regional network
// firewall policies before the VPC firewall rules. Read 2026-12-02 from
// https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order.
// A deny-all egress VPC rule therefore drops what a network firewall
// policy would allow (cloud-nat's allowedHosts rule) unless the network
// says BEFORE_CLASSIC_FIREWALL.
const (
	PolicyAfterClassicFirewall  = "AFTER_CLASSIC_FIREWALL"
	PolicyBeforeClassicFirewall = "BEFORE_CLASSIC_FIREWALL"
)
