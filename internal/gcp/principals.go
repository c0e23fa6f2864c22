package gcp

import (
	"fmt"
	"strings"
)

// The principals lockdown grants to or lets in, as an IAM policy's member
// writes them: user:EMAIL, group:EMAIL, serviceAccount:EMAIL,
// https://cloud.google.com/iam/docs/principal-identifiers (read
// 2026-12-02). A domain or allUsers would open a bastion or a perimeter to
// everyone in it, which a list of operators or members does not mean.
const (
	UserMember           = "user:"
	GroupMember          = "group:"
	ServiceAccountMember = "serviceAccount:"
)

// PrincipalForms says in words which member forms ParsePrincipal
// takes, for messages.
const PrincipalForms = "user:EMAIL, group:EMAIL or serviceAccount:EMAIL, such as user:alice@example.com"

// ParsePrincipal checks that s is one principal as an IAM member names it
// (user:, group: or serviceAccount:, then one e-mail address) and returns
// it unchanged, or says what is wrong with it.
func ParsePrincipal(s string) (string, error) {
	for _, prefix := range []string{UserMember, GroupMember, ServiceAccountMember} {
		email, found := strings.CutPrefix(s, prefix)
		if !found {
			continue
		}
		local, domain, at := strings.Cut(email, "@")
		if !at || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(email, " ,:") || strings.Contains(domain, "@") {
			return "", fmt.Errorf("%q is not %s followed by one e-mail address, such as %salice@example.com", s, prefix, prefix)
		}
		return s, nil
	}
	return "", fmt.Errorf("%q is not a principal: write %s", s, PrincipalForms)
}
