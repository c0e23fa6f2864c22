package gcp

import "regexp"

// dnsSubdomain is the name most Kubernetes objects take (a ContainerCluster,
// an IAMServiceAccount): at most 253 characters, lower-case letters,
// digits, '-' and '.', starting and ending with a letter or digit
// (RFC 1123 subdomain).
// https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names
var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)

// IsDNSSubdomain reports whether s is a valid name for a Kubernetes object
// of a kind named by DNS subdomain, the rule of most kinds.
func IsDNSSubdomain(s string) bool { return dnsSubdomain.MatchString(s) }
