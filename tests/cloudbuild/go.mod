// The Cloud Build config checks live in a module of their own: Config
// Connector v1.154.1, which the main module needs, requires
// cloud.google.com/go/cloudbuild v1.30.0, and Go's version selection would
// lift this module's pinned v1.23.0 to it inside the main module.
module github.com/lockdown-krm/lockdown/tests/cloudbuild

go 1.26.0

require (
	cloud.google.com/go/cloudbuild v1.23.0
	google.golang.org/protobuf v1.36.7
	sigs.k8s.io/yaml v1.6.0
)

require (
	cloud.google.com/go/longrunning v0.6.7 // indirect
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	golang.org/x/net v0.42.0 // indirect
	golang.org/x/sys v0.34.0 // indirect
	golang.org/x/text v0.27.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20250804133106-a7a43d27e69b // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20250728155136-f173205681a0 // indirect
	google.golang.org/grpc v1.74.2 // indirect
)
