package gcp

import (
	"strings"
	"testing"
)

// Each rule of CheckDNSName, by a word of its message.
func TestCheckDNSName(t *testing.T) {
	longest := strings.Repeat("a.", 125) + "com" // 253 characters
	for name, want := range map[string]string{
		"gcr.io":                         "",
		"codeload.github.com":            "",
		"3com.example":                   "", // a label may start with a digit (RFC 1123)
		"x.y1":                           "", // a top-level label with a digit in it
		longest:                          "",
		longest + "m":                    "longer than the 253",
		"localhost":                      "a single label",
		"":                               "a single label",
		"-bad.example.com":               `label "-bad"`,
		"bad-.example.com":               `label "bad-"`,
		"under_score.example.com":        `label "under_score"`,
		"Upper.example.com":              `label "Upper"`,
		"a..example.com":                 `label ""`,
		strings.Repeat("a", 64) + ".com": "1 to 63",
		"192.0.2.1":                      `top-level label "1" is all digits`,
		"x.123":                          `top-level label "123" is all digits`,
	} {
		err := CheckDNSName(name)
		switch {
		case want == "" && err != nil:
			t.Errorf("CheckDNSName(%q) = %v", name, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("CheckDNSName(%q) = %v, want it to say %q", name, err, want)
		}
	}
}
