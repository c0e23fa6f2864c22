package podsecurity

import (
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// errNotStructured is the error of a selector with > or <.
var errNotStructured = errors.New("the label selectors of Kubernetes objects (matchLabels, matchExpressions), which Kyverno's exclusion needs, have no > or <")

// LabelSelector is the exemption's selector in the structured form that
// Kubernetes objects (and Kyverno's resources.selector) carry: equality in
// matchLabels, everything else in matchExpressions, by key. It matches
// exactly the label sets the text form matches. Only > and <, which the
// structured form lacks, are refused.
func (e ExemptLabel) LabelSelector() (*metav1.LabelSelector, error) {
	sel, err := labels.Parse(e.Selector)
	if err != nil {
		return nil, err
	}
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
