package gcp

import "strings"

// computeDefaultAccountSuffix ends the e-mail of a project's Compute
// Engine default service account, PROJECT_NUMBER-compute@developer.gserviceaccount.com,
// which gets the Editor role on the project unless automatic role grants
// for default service accounts are disabled.
// https://cloud.google.com/compute/docs/access/service-accounts#default_service_account
const computeDefaultAccountSuffix = "-compute@developer.gserviceaccount.com"

// IsComputeDefaultServiceAccount reports whether email is a project's
// Compute Engine default service account.
func IsComputeDefaultServiceAccount(email string) bool {
	return strings.HasSuffix(email, computeDefaultAccountSuffix)
}
