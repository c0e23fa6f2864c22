package gcp

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The protocols of a VPC firewall rule. Each allow or deny entry of a
// rule names one: "one of the following well known protocol strings (tcp,
// udp, icmp, esp, ah, ipip, sctp) or the IP protocol number" (Compute
// Engine API, Firewall, allowed[].IPProtocol and denied[].IPProtocol,
// https://cloud.google.com/compute/docs/reference/rest/v1/firewalls), or
// all, every protocol
// (https://cloud.google.com/firewall/docs/firewalls#protocols_and_ports).
// An IP protocol number is 0 to 255, the 8 bits of the IP header's
// protocol field, and the numbers of the names are IANA's
// (https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml).
const (
	ProtocolAll = "all"
	ProtocolTCP = "6" // tcp, as FirewallProtocol returns it
	MaxProtocol = 255
)

// protocolNumbers are the protocol names a firewall rule takes, with their
// IP protocol numbers.
var protocolNumbers = map[string]string{
	"icmp": "1", "tcp": ProtocolTCP, "udp": "17", "esp": "50", "ah": "51", "ipip": "94", "sctp": "132",
}

// protocolNames are ProtocolAll, then the names of protocolNumbers
// sorted, for messages.
var protocolNames = append([]string{ProtocolAll}, slices.Sorted(maps.Keys(protocolNumbers))...)

// FirewallProtocol reads the protocol of a firewall rule's entry as GCP
// takes it: ProtocolAll, a name in lower case or an IP protocol number.
// A name or a number is returned as the number in decimal ("tcp" and "6"
// are both ProtocolTCP), so that two spellings of one protocol compare
// equal; the error says what GCP would refuse.
func FirewallProtocol(s string) (string, error) {
	if s == ProtocolAll {
		return s, nil
	}
	if n, named := protocolNumbers[s]; named {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("%q: use one of %s, or an IP protocol number", s, strings.Join(protocolNames, ", "))
	case n < 0 || n > MaxProtocol:
		return "", fmt.Errorf("protocol number %d is out of range 0-%d", n, MaxProtocol)
	}
	return strconv.Itoa(n), nil
}
