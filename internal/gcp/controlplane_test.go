package gcp

import (
	"slices"
	"testing"
)

func TestControlPlanePorts(t *testing.T) {
	for _, p := range []int32{443, 10250} {
		if !slices.Contains(ControlPlanePorts, p) {
			t.Errorf("the control plane reaches the nodes on %d", p)
		}
	}
	for _, p := range ControlPlanePorts {
		if p < MinServerPort || p > MaxPort {
			t.Errorf("%d is not a server's port", p)
		}
	}
}

func TestDNSEndpointFacts(t *testing.T) {
	if PeeringControlPlane == PSCControlPlane || PeeringControlPlane == "" || PSCControlPlane == "" {
		t.Errorf("the control plane models must be distinct and named: %q, %q", PeeringControlPlane, PSCControlPlane)
	}
	if DNSEndpointDomain != "gke.goog" {
		t.Errorf("the DNS endpoint's domain is gke.goog, not %q", DNSEndpointDomain)
	}
	for _, s := range []string{"container.googleapis.com", "kubernetesmetadata.googleapis.com"} {
		if !slices.Contains(DNSEndpointServices, s) {
			t.Errorf("VPC Service Controls guards the DNS endpoint with %s restricted", s)
		}
	}
}
