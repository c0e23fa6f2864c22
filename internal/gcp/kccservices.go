package gcp

import "strings"

// kccGroupSuffix ends the API group of every Config Connector resource
// kind, such as container.cnrm.cloud.google.com.
const kccGroupSuffix = ".cnrm.cloud.google.com"

// kccServices maps the API group of Config Connector's resource kinds
// (without kccGroupSuffix) to the Google API Config Connector calls to
// manage them. It is what the resource reference gives as "Config
// Connector Service Name" for the kinds of each group, e.g.
// https://cloud.google.com/config-connector/docs/reference/resource-docs/container/containercluster
// (container.googleapis.com), read for Config Connector v1.154.1 on
// 2026-12-02 in its generated resource docs
// (https://github.com/GoogleCloudPlatform/k8s-config-connector/tree/v1.154.1/scripts/generate-google3-docs/resource-reference/generated/resource-docs)
// and its service mappings' serviceHostName
// (https://github.com/GoogleCloudPlatform/k8s-config-connector/tree/v1.154.1/config/servicemappings),
// which agree. Left out where a group's page names another product's API
// (notebooks, and VertexAIMetadataStore's analyticshub), which reads as an
// error of the docs: such kinds need deployerServices.
var kccServices = map[string]string{
	"accesscontextmanager":    "accesscontextmanager.googleapis.com",
	"alloydb":                 "alloydb.googleapis.com",
	"apigateway":              "apigateway.googleapis.com",
	"apigee":                  "apigee.googleapis.com",
	"apikeys":                 "apikeys.googleapis.com",
	"apphub":                  "apphub.googleapis.com",
	"artifactregistry":        "artifactregistry.googleapis.com",
	"asset":                   "cloudasset.googleapis.com",
	"backupdr":                "backupdr.googleapis.com",
	"bigquery":                "bigquery.googleapis.com",
	"bigquerybiglake":         "biglake.googleapis.com",
	"bigqueryconnection":      "bigqueryconnection.googleapis.com",
	"bigquerydatatransfer":    "bigquerydatatransfer.googleapis.com",
	"bigqueryreservation":     "bigqueryreservation.googleapis.com",
	"bigtable":                "bigtableadmin.googleapis.com",
	"billingbudgets":          "billingbudgets.googleapis.com",
	"binaryauthorization":     "binaryauthorization.googleapis.com",
	"certificatemanager":      "certificatemanager.googleapis.com",
	"cloudbuild":              "cloudbuild.googleapis.com",
	"clouddeploy":             "clouddeploy.googleapis.com",
	"cloudfunctions":          "cloudfunctions.googleapis.com",
	"cloudidentity":           "cloudidentity.googleapis.com",
	"cloudids":                "ids.googleapis.com",
	"cloudquota":              "cloudquotas.googleapis.com",
	"cloudscheduler":          "cloudscheduler.googleapis.com",
	"composer":                "composer.googleapis.com",
	"compute":                 "compute.googleapis.com",
	"configcontroller":        "krmapihosting.googleapis.com",
	"container":               "container.googleapis.com",
	"containeranalysis":       "containeranalysis.googleapis.com",
	"containerattached":       "gkemulticloud.googleapis.com",
	"datacatalog":             "datacatalog.googleapis.com",
	"dataflow":                "dataflow.googleapis.com",
	"dataform":                "dataform.googleapis.com",
	"datafusion":              "datafusion.googleapis.com",
	"dataproc":                "dataproc.googleapis.com",
	"dlp":                     "dlp.googleapis.com",
	"dns":                     "dns.googleapis.com",
	"documentai":              "documentai.googleapis.com",
	"edgecontainer":           "edgecontainer.googleapis.com",
	"edgenetwork":             "edgenetwork.googleapis.com",
	"essentialcontacts":       "essentialcontacts.googleapis.com",
	"eventarc":                "eventarc.googleapis.com",
	"filestore":               "file.googleapis.com",
	"firestore":               "firestore.googleapis.com",
	"gkehub":                  "gkehub.googleapis.com",
	"iam":                     "iam.googleapis.com",
	"iap":                     "iap.googleapis.com",
	"identityplatform":        "identitytoolkit.googleapis.com",
	"kms":                     "cloudkms.googleapis.com",
	"logging":                 "logging.googleapis.com",
	"managedkafka":            "managedkafka.googleapis.com",
	"memcache":                "memcache.googleapis.com",
	"memorystore":             "memorystore.googleapis.com",
	"metastore":               "metastore.googleapis.com",
	"monitoring":              "monitoring.googleapis.com",
	"networkconnectivity":     "networkconnectivity.googleapis.com",
	"networksecurity":         "networksecurity.googleapis.com",
	"networkservices":         "networkservices.googleapis.com",
	"orgpolicy":               "orgpolicy.googleapis.com",
	"osconfig":                "osconfig.googleapis.com",
	"privateca":               "privateca.googleapis.com",
	"privilegedaccessmanager": "privilegedaccessmanager.googleapis.com",
	"pubsub":                  "pubsub.googleapis.com",
	"pubsublite":              "pubsublite.googleapis.com",
	"recaptchaenterprise":     "recaptchaenterprise.googleapis.com",
	"redis":                   "redis.googleapis.com",
	"resourcemanager":         "cloudresourcemanager.googleapis.com",
	"run":                     "run.googleapis.com",
	"secretmanager":           "secretmanager.googleapis.com",
	"securesourcemanager":     "securesourcemanager.googleapis.com",
	"servicedirectory":        "servicedirectory.googleapis.com",
	"servicenetworking":       "servicenetworking.googleapis.com",
	"serviceusage":            "serviceusage.googleapis.com",
	"sourcerepo":              "sourcerepo.googleapis.com",
	"spanner":                 "spanner.googleapis.com",
	"speech":                  "speech.googleapis.com",
	"sql":                     "sqladmin.googleapis.com",
	"storage":                 "storage.googleapis.com",
	"storagetransfer":         "storagetransfer.googleapis.com",
	"tags":                    "cloudresourcemanager.googleapis.com",
	"vertexai":                "aiplatform.googleapis.com",
	"vmwareengine":            "vmwareengine.googleapis.com",
	"vpcaccess":               "vpcaccess.googleapis.com",
	"workstations":            "workstations.googleapis.com",
}

// iamPolicyKinds are Config Connector's kinds that set a part of another
// resource's IAM policy (spec.resourceRef). Config Connector calls the
// referenced resource's own API for it: a project's policy is
// projects.setIamPolicy of the Resource Manager API
// (https://cloud.google.com/resource-manager/reference/rest/v1/projects/setIamPolicy),
// a bucket's is Cloud Storage's, and so on.
// https://cloud.google.com/config-connector/docs/reference/resource-docs/iam/iampolicymember
// (spec.resourceRef: "the GCP resource to set the IAM policy on").
var iamPolicyKinds = map[string]bool{
	"IAMPolicy":        true,
	"IAMPartialPolicy": true,
	"IAMPolicyMember":  true,
	"IAMAuditConfig":   true,
}

// resourceManagerKinds are the resource hierarchy's kinds, of Config
// Connector's resourcemanager group, which a resourceRef may name without
// an apiVersion.
var resourceManagerKinds = map[string]bool{"Project": true, "Folder": true, "Organization": true}

// IsKCCGroup reports whether an API group is one of Config Connector's
// resource groups (not core.cnrm.cloud.google.com, which configures
// Config Connector itself).
func IsKCCGroup(group string) bool {
	name, ok := strings.CutSuffix(group, kccGroupSuffix)
	return ok && name != "core" && name != "customize"
}

// KCCService returns the Google API Config Connector calls for the kinds
// of an API group, and whether the group is known.
func KCCService(group string) (string, bool) {
	s, ok := kccServices[strings.TrimSuffix(group, kccGroupSuffix)]
	return s, ok
}

// IsIAMPolicyKind reports whether a Config Connector kind sets the IAM
// policy of the resource its spec.resourceRef names, through that
// resource's API.
func IsIAMPolicyKind(kind string) bool { return iamPolicyKinds[kind] }

// ResourceRefGroup is the API group of a resourceRef's target: the group
// of its apiVersion, or Resource Manager's for a project, folder or
// organization named by kind alone; "" when the reference does not say.
func ResourceRefGroup(apiVersion, kind string) string {
	if group, _, found := strings.Cut(apiVersion, "/"); found {
		return group
	}
	if resourceManagerKinds[kind] {
		return "resourcemanager" + kccGroupSuffix
	}
	return ""
}
