package lint

import "github.com/lockdown-krm/lockdown/internal/results"

// describeSubject names an object for messages, with its file:
// "Deployment kubeflow/x (file)". unreachable-image and registry-dns use
// it for image fields, whose objects were read as YAML (a Subject, not a
// KubeObject).
func describeSubject(s results.Subject) string {
	out := s.Describe("an object")
	if s.File != nil && s.File.Path != "" {
		out += " (" + s.File.Path + ")"
	}
	return out
}
