// Package registry copies release images to the image registry the bots'
// nodes pull from (GITD_REGISTRY), so that a scheduler running bots on
// other machines than gitd's engine (a Swarm) can start them, and deletes
// those copies when the release image GC drops a release.
//
// A copy is pushed by gitd's engine under <registry>/<prefix>/<app>:v<N>
// and named by its digest (<registry>/<prefix>/<app>@sha256:…): a service
// that refers to it by digest runs exactly the bytes gitd built or pulled,
// whatever later happens to the tag. Deletion is the registry API's
// DELETE of the manifest by that digest; the registry's own garbage
// collection frees the blobs.
//
// The registry is reached over HTTPS, or over plain HTTP only when it is
// on a loopback address (the engine treats 127.0.0.0/8 as insecure-allowed;
// anything else in clear text would expose the images and the login).
// The login comes from GITD_REGISTRY_USER and GITD_REGISTRY_PASSWORD, or a
// file holding the password (GITD_REGISTRY_PASSWORD_FILE).
package registry
