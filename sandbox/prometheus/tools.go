//go:build tools

// Package tools pins Prometheus for the sandbox. Debian's prometheus package is built without
// Kubernetes service discovery (kubernetes_sd_configs is "field not found"), so the sandbox builds
// Prometheus from its Go module, with only the file, HTTP and Kubernetes discovery compiled in
// (build tags remove_all_sd,enable_kubernetes_sd).
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
)
