package bastion

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/results"
)

// TestAuthorize covers the list edits the golden cases do not reach:
// duplicates of the bastion's entry, a range already covered, flow lists,
// and the comment at the end of a list.
func TestAuthorize(t *testing.T) {
	want := &entry{displayName: "kf-bastion", cidrBlock: "10.0.0.20/32"}
	cases := []struct {
		name    string
		list    string // the cluster's masterAuthorizedNetworksConfig
		want    *entry
		stale   []string
		out     string
		results []string // "severity: message" prefixes
	}{{
		name: "two old entries: the first moves, the second goes",
		list: `    cidrBlocks:
    - cidrBlock: 10.0.0.10/32 # first
      displayName: kf-bastion
    - cidrBlock: 10.9.0.0/16
      displayName: vpn
    - cidrBlock: 10.0.0.11/32
      displayName: kf-bastion
`,
		want: want,
		out: `    cidrBlocks:
    - cidrBlock: 10.0.0.20/32 # first
      displayName: kf-bastion
    - cidrBlock: 10.9.0.0/16
      displayName: vpn
`,
		results: []string{"info: changed from 10.0.0.10/32 to 10.0.0.20/32", "info: removed 10.0.0.11/32 (kf-bastion)"},
	}, {
		name: "the range is already there under another name: the old entry goes",
		list: `    cidrBlocks:
    - cidrBlock: 10.0.0.10/32
      displayName: kf-bastion
    - cidrBlock: 10.0.0.20/32
      displayName: by-hand
`,
		want: want,
		out: `    cidrBlocks:
    - cidrBlock: 10.0.0.20/32
      displayName: by-hand
`,
		results: []string{"info: removed 10.0.0.10/32 (kf-bastion)"},
	}, {
		name: "an empty flow list becomes a block list",
		list: "    cidrBlocks: []\n",
		want: want,
		out: `    cidrBlocks:
    - cidrBlock: 10.0.0.20/32
      displayName: kf-bastion
`,
		results: []string{"info: added 10.0.0.20/32 (kf-bastion)"},
	}, {
		name: "a stale last entry goes, the comment after it stays at the end",
		list: `    cidrBlocks:
    - cidrBlock: 10.9.0.0/16
      displayName: vpn
    - cidrBlock: 10.0.0.10/32
      displayName: old-bastion
    # end of the list
`,
		stale: []string{"old-bastion"},
		out: `    cidrBlocks:
    - cidrBlock: 10.9.0.0/16
      displayName: vpn
    # end of the list
`,
		results: []string{"info: removed 10.0.0.10/32 (old-bastion): a bastion that is gone"},
	}, {
		name: "a stale last entry goes, the comment after it stays after the list",
		list: `    cidrBlocks:
    - cidrBlock: 10.9.0.0/16
      displayName: vpn
    - cidrBlock: 10.0.0.10/32
      displayName: old-bastion
    # end of the list
  enableShieldedNodes: true
`,
		stale: []string{"old-bastion"},
		out: `    cidrBlocks:
    - cidrBlock: 10.9.0.0/16
      displayName: vpn
      # end of the list
  enableShieldedNodes: true
`,
		results: []string{"info: removed 10.0.0.10/32 (old-bastion): a bastion that is gone"},
	}, {
		name: "a setter marker on the moved range is a warning",
		list: `    cidrBlocks:
    - cidrBlock: 10.0.0.10/32 # kpt-set: ${bastion-range}
      displayName: kf-bastion
`,
		want: want,
		out: `    cidrBlocks:
    - cidrBlock: 10.0.0.20/32 # kpt-set: ${bastion-range}
      displayName: kf-bastion
`,
		results: []string{"warning: set to 10.0.0.20/32, but the field has the setter marker", "info: changed from 10.0.0.10/32"},
	}, {
		name:    "a list setter is a warning",
		list:    "    cidrBlocks: [{cidrBlock: 10.9.0.0/16, displayName: vpn}] # kpt-set: ${networks}\n",
		want:    want,
		out:     "    cidrBlocks: [{cidrBlock: 10.9.0.0/16, displayName: vpn}, {cidrBlock: 10.0.0.20/32, displayName: kf-bastion}] # kpt-set: ${networks}\n",
		results: []string{"warning: the list has the setter marker \"# kpt-set: ${networks}\"", "info: added 10.0.0.20/32 (kf-bastion)"},
	}, {
		name: "nothing to do changes nothing",
		list: `    cidrBlocks:
    - {cidrBlock: 10.0.0.20/32, displayName: kf-bastion}
`,
		want: want,
		out: `    cidrBlocks:
    - {cidrBlock: 10.0.0.20/32, displayName: kf-bastion}
`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const head = "apiVersion: container.cnrm.cloud.google.com/v1beta1\nkind: ContainerCluster\nmetadata:\n  name: kf\nspec:\n  masterAuthorizedNetworksConfig:\n"
			obj, err := fn.ParseKubeObject([]byte(head + c.list))
			if err != nil {
				t.Fatal(err)
			}
			var res results.Collector
			authorize(obj, c.want, c.stale, &res)
			if diff := cmp.Diff(head+c.out, obj.String()); diff != "" {
				t.Errorf("cluster (-want +got):\n%s", diff)
			}
			var got []string
			for _, r := range res.Results() {
				got = append(got, string(r.Severity)+": "+r.Message)
			}
			if len(got) != len(c.results) {
				t.Fatalf("results %q, want %d starting %q", got, len(c.results), c.results)
			}
			for i, prefix := range c.results {
				if !strings.HasPrefix(got[i], prefix) {
					t.Errorf("result %d is %q, want it to start %q", i, got[i], prefix)
				}
			}
		})
	}
}
