// CRDs the sandbox installs into its API server, pinned as Go modules and read from the module cache.
// No Go code builds from this module: it only pins versions and checksums (go.sum).
module canary-action/sandbox/crds

go 1.26.0

require (
	// Gateway API standard channel: config/crd/standard. Same release as Traefik v3.7.13 builds against.
	sigs.k8s.io/gateway-api v1.6.1
	// Istio networking CRDs: kubernetes/customresourcedefinitions.gen.yaml (group networking.istio.io).
	istio.io/api v1.31.4
	// PodMonitor, ServiceMonitor, PrometheusRule: example/prometheus-operator-crd.
	github.com/prometheus-operator/prometheus-operator v0.85.0
)
