// Package doctor checks the host a gitd runs on for what admins get wrong —
// the Docker Engine and its API version, runc, the storage driver, free
// disk, inotify limits, the base and builder images, the bots' network and
// firewall, the permissions of host keys — and gives each failure its fix.
// `gitd doctor` runs it; it changes nothing.
package doctor
