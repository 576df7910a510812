//go:build tools

// Package tools pins the Kubernetes commands the sandbox builds from k8s.io/kubernetes.
// The module k8s.io/kubernetes requires its staging modules at v0.0.0 with local replaces,
// so go.mod replaces each of them with its v0.X release of the same Kubernetes version.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
