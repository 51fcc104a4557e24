// Package auth answers "may key K do X to app A": it maps SSH keys to users
// or deploy keys, applies the roles (admin, owner, collaborator, deploy key)
// and the per-user app quota, and hides apps a caller may not see.
package auth
