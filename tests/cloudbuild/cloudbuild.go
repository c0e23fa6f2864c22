// Package cloudbuild reads Cloud Build configs strictly, into the official
// Cloud Build API types (cloudbuildpb, through protojson): a field the API
// does not know, or a value of the wrong type, is an error naming it, as it
// is for `gcloud builds submit`, never something silently dropped.
package cloudbuild

import (
	"fmt"

	"cloud.google.com/go/cloudbuild/apiv1/v2/cloudbuildpb"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

// Decode reads a Cloud Build config, YAML or JSON, into a Build.
func Decode(config []byte) (*cloudbuildpb.Build, error) {
	js, err := yaml.YAMLToJSON(config)
	if err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	var build cloudbuildpb.Build
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(js, &build); err != nil {
		return nil, fmt.Errorf("not a Cloud Build config: %w", err)
	}
	return &build, nil
}
