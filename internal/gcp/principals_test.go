package gcp

import (
	"strings"
	"testing"
)

func TestParsePrincipal(t *testing.T) {
	for _, ok := range []string{
		"user:alice@example.com",
		"group:ops@example.com",
		"serviceAccount:ci@my-project.iam.gserviceaccount.com",
	} {
		if got, err := ParsePrincipal(ok); err != nil || got != ok {
			t.Errorf("ParsePrincipal(%q) = %q, %v", ok, got, err)
		}
	}
	for bad, want := range map[string]string{
		"alice@example.com":          "is not a principal",
		"domain:example.com":         "is not a principal",
		"allUsers":                   "is not a principal",
		"User:alice@example.com":     "is not a principal",
		"user:alice":                 "user: followed by one e-mail address",
		"user:@example.com":          "user: followed by one e-mail address",
		"user:alice@localhost":       "user: followed by one e-mail address",
		"group:a@b@example.com":      "group: followed by one e-mail address",
		"user:alice@example.com,bob": "user: followed by one e-mail address",
		"user:alice @example.com":    "user: followed by one e-mail address",
	} {
		_, err := ParsePrincipal(bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePrincipal(%q) = %v, want an error with %q", bad, err, want)
		}
	}
}
