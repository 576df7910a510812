//go:build tools

// Package tools pins podinfo, a third-party chart and app the sandbox installs with Helm.
package tools

import (
	_ "github.com/stefanprodan/podinfo/cmd/podcli"
	_ "github.com/stefanprodan/podinfo/cmd/podinfo"
)
