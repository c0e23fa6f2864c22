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

// ControlPlaneEgressPorts are the TCP ports the nodes of a private cluster
// are let out to on the control plane when all other egress is denied:
// the other direction from ControlPlanePorts. Read 2026-12-02, what
// Google documents for it:
//
//   - Google's own deny-all-egress setup for a private cluster, "Allow
//     nodes to the reach the Kubernetes control plane: gcloud compute
//     firewall-rules create allow-egress-to-api-server --action ALLOW
//     --direction EGRESS --rules tcp:443,tcp:10250 ... --destination-ranges
//     10.5.0.0/28 ... --description "Allow nodes to reach the Kubernetes
//     API server."" ("Using Cloud Service Mesh egress gateways on GKE
//     clusters: Tutorial",
//     https://cloud.google.com/service-mesh/docs/security/egress-gateway-gke-tutorial,
//     read in a stored copy of the page);
//   - Network Analyzer's node-to-control-plane insight: "一般公開クラスタ内の
//     GKE ノードは、ポート 443 で TCP を介してコントロール プレーンと通信します"
//     (GKE nodes in public clusters talk to the control plane over TCP on
//     port 443; the Japanese edition of
//     https://cloud.google.com/network-intelligence-center/docs/network-analyzer/insights/kubernetes-engine/gke-node-to-control-plane,
//     the one whose text was found that far; its private-endpoint section
//     was not in that text);
//   - Google's GKE Terraform module is broader: its intra_egress rule, made
//     "for clusters when VPCs enforce a default-deny egress rule", lets the
//     nodes out to local.cluster_endpoint_for_nodes on every protocol
//     ("Allow all possible protocols": tcp, udp, icmp, sctp, esp, ah;
//     autogen/main/firewall.tf.tmpl of
//     https://github.com/terraform-google-modules/terraform-google-kubernetes-engine).
//
// No GKE page found names a narrower set for private nodes than tcp 443
// and 10250, nor says why 10250 is needed that way, so both stay: the set
// Google's own egress setup uses, narrower than the module's. The port of
// the Konnectivity agent's tunnel (upstream Kubernetes' example agent
// dials "--proxy-server-port=8132": content/en/examples/admin/konnectivity/konnectivity-agent.yaml
// of https://github.com/kubernetes/website) is not documented for GKE in
// what was found, so it is not opened;
// if kubectl logs, exec or port-forward fail behind the fence, that is
// the first place to look.
var ControlPlaneEgressPorts = []int32{443, 10250}

// ControlPlaneModel is how a private cluster's control plane is joined to
// the cluster's VPC network, which decides where its traffic to the nodes
// (kubelet, metrics-server, admission webhooks) comes from. Read 2026-12-02.
type ControlPlaneModel string

const (
	// PeeringControlPlane: the control plane lives in a Google-owned VPC
	// peered with the cluster's, on a /28 the cluster gives in
	// privateClusterConfig.masterIpv4CidrBlock ("it must be a /28 subnet",
	// immutable: the ContainerCluster CRD). GKE's own master rule lets
	// the nodes be reached from that "Control plane IP address range
	// (/28)" (https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules).
	PeeringControlPlane ControlPlaneModel = "peering"
	// PSCControlPlane: the control plane's internal endpoint is a Private
	// Service Connect endpoint inside the cluster's network ("you don't
	// have to manage specific subnets for the control plane endpoint. The
	// PSC endpoint is located entirely within the cluster network",
	// https://cloud.google.com/kubernetes-engine/docs/concepts/private-service-connect),
	// and no /28 is given. Its address comes from the subnetwork
	// privateClusterConfig.privateEndpointSubnetworkRef names (immutable,
	// "Subnetwork in cluster's network": the CRD), else from the nodes'
	// subnetwork; see ControlPlaneSource.
	PSCControlPlane ControlPlaneModel = "psc"
)

// Where the control plane's traffic to the nodes comes from, so which
// source the firewall must let in, in each model, as Google's GKE
// Terraform module computes it for its webhook and master rules
// (local.cluster_endpoint_for_nodes in autogen/main/main.tf.tmpl of
// https://github.com/terraform-google-modules/terraform-google-kubernetes-engine,
// read 2026-12-02): with private nodes, the primary range of the private
// endpoint subnetwork when the cluster names one (PSC), else the
// masterIpv4CidrBlock when it gives one (peering), else the primary range
// of the cluster's own subnetwork (PSC in the node subnetwork). The module
// never writes both fields: it drops master_ipv4_cidr_block when
// private_endpoint_subnetwork is set. facts.Cluster.ControlPlane applies
// this to the package.

// DNSEndpointDomain is the domain of every cluster's DNS-based control
// plane endpoint: "A DNS format address. This is accessible from the
// public internet. Ex: uid.us-central1.gke.goog" (GKE API reference,
// ControlPlaneEndpointsConfig.DNSEndpointConfig.endpoint,
// https://cloud.google.com/php/docs/reference/cloud-container/latest/V1.ControlPlaneEndpointsConfig.DNSEndpointConfig,
// read 2026-12-02). Whether user traffic may use it is
// dnsEndpointConfig.allowExternalTraffic. Access through it is
// authorized by IAM and can be fenced by VPC Service Controls: "To access
// the control plane endpoint, you need to configure IAM roles and
// policies, and authentication tokens", and VPC Service Controls "provides
// protection when you use the DNS-based endpoint" once
// container.googleapis.com and kubernetesmetadata.googleapis.com are
// restricted services of the perimeter (About network isolation,
// https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation,
// read 2026-12-02). That page's best practice: "Use only the DNS-based
// endpoint to access your control plane".
const DNSEndpointDomain = "gke.goog"

// DNSEndpointServices are the services a VPC Service Controls perimeter
// restricts to guard the DNS-based endpoint (same page as DNSEndpointDomain).
var DNSEndpointServices = []string{"container.googleapis.com", "kubernetesmetadata.googleapis.com"}
