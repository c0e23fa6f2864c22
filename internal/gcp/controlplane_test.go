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
