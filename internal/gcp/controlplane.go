package gcp

// ControlPlanePorts are the TCP ports on which the control plane of every
// GKE cluster reaches its nodes, the ports GKE's own firewall rule opens
// from the control plane to the nodes of a private cluster: "TCP: 443
// (metrics-server) and TCP: 10250 (Kubelet)", the rule
// gke-[cluster-name]-[cluster-hash]-master of
// https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules.
// cluster-firewall opens them beside the webhook ports; a webhook on any
// other port needs a rule of its own.
var ControlPlanePorts = []int32{443, 10250}
