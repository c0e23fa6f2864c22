package cloudnat

import "github.com/lockdown-krm/lockdown/internal/gcp"

// namer names a generated object, which is also its GCP name: the stem (a
// network or cluster name) and what the object is, such as
// "us-central1-router". A stem that does not start with a letter gets an
// "n" in front; a name too long keeps what the object is whole, and its
// stem is cut and followed by a hash of the whole stem (gcp.Namer).
var namer = gcp.Namer{Lead: "n"}

// collisionHashLength is how many hex digits of the SHA-256 of a network's
// identity tell apart two networks that would share generated names.
const collisionHashLength = 8
