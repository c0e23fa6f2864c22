package gcp

import (
	"strings"
	"testing"
)

func TestFlowLogIntervals(t *testing.T) {
	want := []string{"INTERVAL_5_SEC", "INTERVAL_30_SEC", "INTERVAL_1_MIN", "INTERVAL_5_MIN", "INTERVAL_10_MIN", "INTERVAL_15_MIN"}
	for _, s := range want {
		if err := CheckFlowLogInterval(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if len(FlowLogIntervals) != len(want) {
		t.Errorf("GCP has %d aggregation intervals, not %d", len(want), len(FlowLogIntervals))
	}
	for _, s := range []string{"", "INTERVAL_1_SEC", "interval_5_sec", "5s"} {
		err := CheckFlowLogInterval(s)
		if err == nil || !strings.Contains(err.Error(), "INTERVAL_15_MIN") {
			t.Errorf("%q: want an error that lists the intervals, got %v", s, err)
		}
	}
	if CheckFlowLogInterval(DefaultFlowLogInterval) != nil {
		t.Errorf("the default %s must be an interval", DefaultFlowLogInterval)
	}
}

func TestFlowSampling(t *testing.T) {
	for _, f := range []float64{0.01, DefaultFlowSampling, 1} {
		if err := CheckFlowSampling(f); err != nil {
			t.Errorf("%v: %v", f, err)
		}
	}
	for _, f := range []float64{0, -0.5, 1.0001, 2} {
		if CheckFlowSampling(f) == nil {
			t.Errorf("%v is no sampling rate for flow logs that are on", f)
		}
	}
}

func TestFlowLogMetadata(t *testing.T) {
	for _, s := range []string{IncludeAllMetadata, ExcludeAllMetadata, CustomMetadata, DefaultFlowLogMetadata} {
		if err := CheckFlowLogMetadata(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"", "ALL", "include_all_metadata"} {
		if CheckFlowLogMetadata(s) == nil {
			t.Errorf("%q is no metadata setting", s)
		}
	}
}
