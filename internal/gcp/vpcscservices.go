package gcp

import (
	"slices"
	"strings"
)

// vpcscServices is every service VPC Service Controls can restrict, by
// its service name. A perimeter restricting them all leaves no supported
// API unfenced, and with vpcAccessibleServices at RESTRICTED-SERVICES the
// VPC reaches exactly these through the restricted VIP (which serves "all
// of the APIs that VPC Service Controls can protect", plus a few
// dependencies such as oauth2 that cannot be restricted).
//
// Sources, read 2026-12-02:
//   - Google's "Supported products and limitations" page, which points to
//     `gcloud access-context-manager supported-services list` for the
//     complete list: https://cloud.google.com/vpc-service-controls/docs/supported-products
//   - the restricted VIP's list of supported services:
//     https://cloud.google.com/vpc-service-controls/docs/restricted-vip-services
//   - the list this table is taken from, Google's security foundation
//     blueprint, networking stage, local supported_restricted_service:
//     https://github.com/terraform-google-modules/terraform-example-foundation/blob/ed07500ef63b215b28db98cdfa308353e550abca/3-networks-svpc/modules/base_env/main.tf
//     (the hub-and-spoke stage holds the same list; its one duplicate,
//     documentai, is written once here).
//
// One service is added to that list: kubernetesmetadata.googleapis.com
// (see its entry).
//
// Google adds services over time: a newer one is restricted by listing it
// in restrictedServices once it is added here.
var vpcscServices = []string{
	"accessapproval.googleapis.com",
	"adsdatahub.googleapis.com",
	"aiplatform.googleapis.com",
	"alloydb.googleapis.com",
	"analyticshub.googleapis.com",
	"apigee.googleapis.com",
	"apigeeconnect.googleapis.com",
	"artifactregistry.googleapis.com",
	"assuredworkloads.googleapis.com",
	"automl.googleapis.com",
	"baremetalsolution.googleapis.com",
	"batch.googleapis.com",
	"bigquery.googleapis.com",
	"bigquerydatapolicy.googleapis.com",
	"bigquerydatatransfer.googleapis.com",
	"bigquerymigration.googleapis.com",
	"bigqueryreservation.googleapis.com",
	"bigtable.googleapis.com",
	"binaryauthorization.googleapis.com",
	"cloud.googleapis.com",
	"cloudasset.googleapis.com",
	"cloudbuild.googleapis.com",
	"clouddebugger.googleapis.com",
	"clouddeploy.googleapis.com",
	"clouderrorreporting.googleapis.com",
	"cloudfunctions.googleapis.com",
	"cloudkms.googleapis.com",
	"cloudprofiler.googleapis.com",
	"cloudresourcemanager.googleapis.com",
	"cloudscheduler.googleapis.com",
	"cloudsearch.googleapis.com",
	"cloudtrace.googleapis.com",
	"composer.googleapis.com",
	"compute.googleapis.com",
	"confidentialcomputing.googleapis.com",
	"connectgateway.googleapis.com",
	"contactcenterinsights.googleapis.com",
	"container.googleapis.com",
	"containeranalysis.googleapis.com",
	"containerfilesystem.googleapis.com",
	"containerregistry.googleapis.com",
	"containerthreatdetection.googleapis.com",
	"datacatalog.googleapis.com",
	"dataflow.googleapis.com",
	"datafusion.googleapis.com",
	"datamigration.googleapis.com",
	"dataplex.googleapis.com",
	"dataproc.googleapis.com",
	"datastream.googleapis.com",
	"dialogflow.googleapis.com",
	"dlp.googleapis.com",
	"dns.googleapis.com",
	"documentai.googleapis.com",
	"domains.googleapis.com",
	"eventarc.googleapis.com",
	"file.googleapis.com",
	"firebaseappcheck.googleapis.com",
	"firebaserules.googleapis.com",
	"firestore.googleapis.com",
	"gameservices.googleapis.com",
	"gkebackup.googleapis.com",
	"gkeconnect.googleapis.com",
	"gkehub.googleapis.com",
	"healthcare.googleapis.com",
	"iam.googleapis.com",
	"iamcredentials.googleapis.com",
	"iaptunnel.googleapis.com",
	"ids.googleapis.com",
	"integrations.googleapis.com",
	"kmsinventory.googleapis.com",
	"krmapihosting.googleapis.com",
	// Not in the foundation blueprint's list: GKE names it, beside
	// container.googleapis.com, as a service a perimeter restricts to guard
	// the DNS-based control-plane endpoint (gcp.DNSEndpointServices, "About
	// network isolation", read 2026-12-02).
	"kubernetesmetadata.googleapis.com",
	"language.googleapis.com",
	"lifesciences.googleapis.com",
	"logging.googleapis.com",
	"managedidentities.googleapis.com",
	"memcache.googleapis.com",
	"meshca.googleapis.com",
	"meshconfig.googleapis.com",
	"metastore.googleapis.com",
	"ml.googleapis.com",
	"monitoring.googleapis.com",
	"networkconnectivity.googleapis.com",
	"networkmanagement.googleapis.com",
	"networksecurity.googleapis.com",
	"networkservices.googleapis.com",
	"notebooks.googleapis.com",
	"opsconfigmonitoring.googleapis.com",
	"orgpolicy.googleapis.com",
	"osconfig.googleapis.com",
	"oslogin.googleapis.com",
	"privateca.googleapis.com",
	"pubsub.googleapis.com",
	"pubsublite.googleapis.com",
	"recaptchaenterprise.googleapis.com",
	"recommender.googleapis.com",
	"redis.googleapis.com",
	"retail.googleapis.com",
	"run.googleapis.com",
	"secretmanager.googleapis.com",
	"servicecontrol.googleapis.com",
	"servicedirectory.googleapis.com",
	"spanner.googleapis.com",
	"speakerid.googleapis.com",
	"speech.googleapis.com",
	"sqladmin.googleapis.com",
	"storage.googleapis.com",
	"storagetransfer.googleapis.com",
	"sts.googleapis.com",
	"texttospeech.googleapis.com",
	"timeseriesinsights.googleapis.com",
	"tpu.googleapis.com",
	"trafficdirector.googleapis.com",
	"transcoder.googleapis.com",
	"translate.googleapis.com",
	"videointelligence.googleapis.com",
	"vision.googleapis.com",
	"visionai.googleapis.com",
	"vmmigration.googleapis.com",
	"vpcaccess.googleapis.com",
	"webrisk.googleapis.com",
	"workflows.googleapis.com",
	"workstations.googleapis.com",
}

// VPCSCServices returns every service VPC Service Controls can restrict,
// sorted.
func VPCSCServices() []string { return slices.Clone(vpcscServices) }

// IsVPCSCService reports whether VPC Service Controls can restrict the
// service.
func IsVPCSCService(name string) bool {
	_, found := slices.BinarySearch(vpcscServices, name)
	return found
}

// NearestVPCSCService suggests the restrictable service a mistyped name
// most likely meant: the one whose name differs in at most two
// characters (storge.googleapis.com), or the one the name starts
// (storage, storage.googleapis). "" when no name is that close.
func NearestVPCSCService(name string) string {
	short := strings.TrimSuffix(strings.TrimSuffix(name, ".com"), ".googleapis")
	if candidate := short + ".googleapis.com"; IsVPCSCService(candidate) {
		return candidate
	}
	best, bestDistance := "", 3
	for _, s := range vpcscServices {
		if d := editDistance(name, s); d < bestDistance {
			best, bestDistance = s, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of two names.
func editDistance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diagonal := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diagonal, row[j] = row[j], min(row[j]+1, row[j-1]+1, diagonal+cost)
		}
	}
	return row[len(b)]
}
