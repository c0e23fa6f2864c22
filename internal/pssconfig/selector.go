package pssconfig

import (
	"errors"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/lockdown-krm/lockdown/internal/fnconfig"
)

// Selector is the label selector of an exemption: the text as written
// ("app=istio-cni", "tier in (system)") and, once the config is loaded,
// the selector in the two forms the functions use. Labels is what
// pod-security-check matches objects with; Structured is the same
// selector as Kubernetes objects carry it (Kyverno's resources.selector),
// matching exactly the label sets Labels matches. Both are nil when Err
// says why the text is not a selector both forms can hold; an empty
// selector is refused too, as it would exempt everything.
type Selector struct {
	fnconfig.Scalar
	Labels     labels.Selector
	Structured *metav1.LabelSelector
}

var _ fnconfig.Value = &Selector{}

// Matches tells whether the selector matches set. A selector that did
// not parse matches nothing.
func (s Selector) Matches(set labels.Set) bool {
	return s.Labels != nil && s.Labels.Matches(set)
}

// errEmptySelector is the error of a selector of blanks.
var errEmptySelector = errors.New("empty selector: an empty selector would exempt everything")

// Parse implements fnconfig.Value.
func (s *Selector) Parse() {
	s.Labels, s.Structured = nil, nil
	sel, structured, err := readSelector(s.Text)
	s.SetErr(err)
	if err == nil {
		s.Labels, s.Structured = sel, structured
	}
}

// readSelector reads a selector in both forms.
func readSelector(text string) (labels.Selector, *metav1.LabelSelector, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil, errEmptySelector
	}
	sel, err := labels.Parse(text)
	if err != nil {
		return nil, nil, fmt.Errorf("not a label selector: %v; write it like app=istio-cni", err)
	}
	structured, err := structuredSelector(sel)
	if err != nil {
		return nil, nil, fmt.Errorf("%v; use =, !=, in, notin, key or !key", err)
	}
	return sel, structured, nil
}

// errNotStructured is the error of a selector with > or <.
var errNotStructured = errors.New("the label selectors of Kubernetes objects (matchLabels, matchExpressions), which Kyverno's exclusion needs, have no > or <")

// structuredSelector writes sel in the structured form: equality in
// matchLabels, everything else in matchExpressions, by key. Only > and <,
// which the structured form lacks, are refused.
func structuredSelector(sel labels.Selector) (*metav1.LabelSelector, error) {
	reqs, _ := sel.Requirements()
	out := &metav1.LabelSelector{}
	for _, r := range reqs {
		values := r.ValuesUnsorted()
		var op metav1.LabelSelectorOperator
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals:
			if out.MatchLabels == nil {
				out.MatchLabels = map[string]string{}
			}
			out.MatchLabels[r.Key()] = values[0]
			continue
		case selection.In:
			op = metav1.LabelSelectorOpIn
		case selection.NotIn, selection.NotEquals:
			// "a!=b" matches objects without label a too, as NotIn does.
			op = metav1.LabelSelectorOpNotIn
		case selection.Exists:
			op = metav1.LabelSelectorOpExists
		case selection.DoesNotExist:
			op = metav1.LabelSelectorOpDoesNotExist
		default:
			return nil, fmt.Errorf("%s: %w", r.String(), errNotStructured)
		}
		out.MatchExpressions = append(out.MatchExpressions, metav1.LabelSelectorRequirement{
			Key: r.Key(), Operator: op, Values: r.Values().List(),
		})
	}
	return out, nil
}
