package gcp

// Identity-Aware Proxy's signing keys. Kubeflow on GKE is reached through
// IAP, and the ingress gateway checks IAP's JWT (Istio's
// RequestAuthentication), whose keys Istio downloads. Read 2026-12-02 from
// "Securing your app with signed headers",
// https://cloud.google.com/iap/docs/signed-headers-howto: the token's kid
// "must correspond to one of the public keys listed in the IAP key file,
// available in two different formats: https://www.gstatic.com/iap/verify/public_key
// and https://www.gstatic.com/iap/verify/public_key-jwk", the second
// "contains the IAP public keys in JWK format"; the payload's iss "must be
// https://cloud.google.com/iap"; and "IAP rotates its public keys
// periodically", which is why the keys are fetched and not inlined.
const (
	// IAPKeysURL is the JWK set an Istio RequestAuthentication names.
	IAPKeysURL = "https://www.gstatic.com/iap/verify/public_key-jwk"
	// IAPKeysHost is the host IAPKeysURL is served from.
	IAPKeysHost = "www.gstatic.com"
	// IAPIssuer is the iss of IAP's tokens.
	IAPIssuer = "https://cloud.google.com/iap"
)
