// Package ext stands in for Traefik's extension point of the dynamic configuration.
// Traefik's own go.mod replaces this module with a directory that is not part of the
// published module, so a module that builds Traefik must provide it. The open-source
// build embeds these two types empty.
package ext

// HTTP is embedded in dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is embedded in dynamic.Router.
type Router struct{}
