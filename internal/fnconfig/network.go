package fnconfig

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lockdown-krm/lockdown/internal/gcp"
)

// The network Values the functions' configs share, each read by the
// internal/gcp parser of the GCP field it ends up in, so that two
// functions never read the same text two ways.

var (
	_ Value = &Range{}
	_ Value = &CIDR{}
	_ Value = &Port{}
)

// Range is a range that goes into a VPC firewall rule (an extra allow of
// cluster-firewall, an allowed destination of cloud-nat): a range in CIDR
// form with no host bits set (10.0.0.0/28, not 10.0.0.1/28), or a bare
// address, which stands for itself (/32 or /128): gcp.ParseRange, on the
// text with the blanks around it trimmed. Err is ParseRange's error, a
// *gcp.HostBitsError for host bits.
type Range struct {
	Scalar
	Prefix netip.Prefix // invalid when Err is set
}

// Parse implements Value.
func (r *Range) Parse() {
	p, err := gcp.ParseRange(strings.TrimSpace(r.Text))
	r.Prefix = p
	r.SetErr(err)
}

// CIDR is a range that a GKE or VPC field holds in CIDR notation only (a
// control plane range, a pod or Service range, a subnetwork's range):
// gcp.ParseCIDR, on the text as written. Host bits are not refused: Prefix
// is the range as written, and whether host bits are wrong, and which fix
// to suggest, is the field's to say (Prefix.Masked is the range). Err says
// only that the text is not in CIDR notation; a function may word that in
// terms of its field instead, from !Prefix.IsValid().
type CIDR struct {
	Scalar
	Prefix netip.Prefix // invalid when Err is set
}

// Parse implements Value.
func (c *CIDR) Parse() {
	p, ok := gcp.ParseCIDR(c.Text)
	c.Prefix = p
	c.SetErr(nil)
	if !ok {
		c.SetErr(fmt.Errorf("%q is not a range in CIDR notation, such as 10.0.0.0/8", c.Text))
	}
}

// Port is a port ("443") or a range of ports ("8000-8100") that a server
// listens on, which a firewall rule opens: gcp.ParsePortRange from
// gcp.MinServerPort. The typed config may write a port as a number.
type Port struct {
	Scalar
	Range gcp.PortRange // zero when Err is set
}

// Parse implements Value.
func (p *Port) Parse() {
	r, err := gcp.ParsePortRange(p.Text, gcp.MinServerPort)
	p.Range = r
	p.SetErr(err)
}

// Ports is a list of ports; in a ConfigMap it is written "443,8000-8100".
type Ports []Port

// Ranges are the parsed ports.
func (ps Ports) Ranges() []gcp.PortRange {
	out := make([]gcp.PortRange, len(ps))
	for i, p := range ps {
		out[i] = p.Range
	}
	return out
}
