package gcp

import (
	"fmt"
	"strings"
)

// MaxDNSNameLength is the longest DNS name in text form, without the
// final dot: RFC 1035 section 2.3.4 allows 255 octets on the wire, which
// are the labels and a length octet before each, the root's included.
// https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4
const MaxDNSNameLength = 253

// CheckDNSName says what is wrong with name as the fully qualified DNS
// name of a host or a domain under a top-level domain, written in lower
// case without the final dot, or returns nil. Every function that takes
// such a name checks it here (cloud-nat's allowedHosts, which Cloud NGFW's
// FQDN objects resolve; private-google-access's domains, which get
// private zones), in one wording:
//
//   - at most MaxDNSNameLength characters (RFC 1035 section 2.3.4);
//   - two labels or more: a single label is a top-level domain, or a
//     short host name that only a search domain completes; neither names
//     one host or domain the whole VPC resolves alike (lockdown's rule);
//   - every label an RFC 1123 label (IsDNSLabel): RFC 1123 section 2.1
//     lets a label start with a digit,
//     https://www.rfc-editor.org/rfc/rfc1123#section-2.1;
//   - a top-level label that is not all digits, which no top-level domain
//     is, so that an IPv4 address is never taken for a name (RFC 3696
//     section 2, https://www.rfc-editor.org/rfc/rfc3696#section-2).
func CheckDNSName(name string) error {
	if len(name) > MaxDNSNameLength {
		return fmt.Errorf("%q is longer than the %d characters a DNS name may have", name, MaxDNSNameLength)
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is a single label: give a fully qualified DNS name of two labels or more, such as example.com", name)
	}
	for _, l := range labels {
		if !IsDNSLabel(l) {
			return fmt.Errorf("%q is not a DNS name: label %q must be 1 to 63 lower-case letters, digits or hyphens, starting and ending with a letter or digit", name, l)
		}
	}
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return fmt.Errorf("%q is not a DNS name: its top-level label %q is all digits, as in an IP address", name, tld)
	}
	return nil
}
