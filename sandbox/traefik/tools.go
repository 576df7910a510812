//go:build tools

// Package tools pins the Traefik command the sandbox builds as its ingress and Gateway API data plane.
package tools

import (
	_ "github.com/traefik/traefik/v3/cmd/traefik"
)
