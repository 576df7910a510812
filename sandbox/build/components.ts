// What `npm run sandbox:build` builds: each component is a small Go module of ours under sandbox/ that pins
// an upstream module by version (go.mod + go.sum), and the commands built from it.
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface GoCommand {
  /** Go package path of the main package. */
  readonly pkg: string;
  /** Name of the built binary, also its key under `binaries` in the manifest. */
  readonly binary: string;
}

export interface GoComponent {
  readonly name: string;
  /** Upstream version, shown in progress output and in the build directory name. */
  readonly version: string;
  /** Our wrapper module, relative to the repository root. */
  readonly moduleDir: string;
  readonly commands: readonly GoCommand[];
  /** Link flags only: they do not change the compile cache, so warm caches stay warm. */
  readonly ldflags: readonly string[];
  /** Go build tags (-tags). */
  readonly tags?: readonly string[];
}

export const KUBERNETES_VERSION = 'v1.37.2';
// v3.7.9, not the newest 3.7: from v3.7.10 on Traefik needs dependency versions the Go module proxy here does
// not serve (403 "not available": containous/go-http-auth 20260804, lego v5.3 DNS provider SDKs).
export const TRAEFIK_VERSION = 'v3.7.9';
// podinfo publishes no Go-module tags past v1; this pseudo-version is podinfo 6.9.x (commit e86405a8674e).
// Prometheus publishes its Go module as v0.3MM.P for Prometheus 3.MM.P.
export const PROMETHEUS_VERSION = 'v0.316.0';
export const PROMETHEUS_RELEASE = '3.16.0';
export const PODINFO_VERSION = 'v1.8.1-0.20250910200901-e86405a8674e';

const [kubeMajor, kubeMinor] = KUBERNETES_VERSION.slice(1).split('.');

// What Kubernetes' own build (hack/lib/version.sh) stamps, so /version, kubectl version and Helm's
// kubeVersion checks see v1.37.2 instead of the unstamped v0.0.0-master.
const kubernetesVersionFlags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap(
  (pkg) => [
    `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
    `-X ${pkg}.gitMajor=${kubeMajor}`,
    `-X ${pkg}.gitMinor=${kubeMinor}`,
    `-X ${pkg}.gitTreeState=clean`
  ]
);

export const GO_COMPONENTS: readonly GoComponent[] = [
  {
    name: 'kubernetes',
    version: KUBERNETES_VERSION,
    moduleDir: 'sandbox/k8s',
    commands: [
      { pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', binary: 'kube-apiserver' },
      { pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', binary: 'kube-controller-manager' },
      { pkg: 'k8s.io/kubernetes/cmd/kube-scheduler', binary: 'kube-scheduler' },
      { pkg: 'k8s.io/kubernetes/cmd/kubectl', binary: 'kubectl' }
    ],
    ldflags: ['-s', '-w', ...kubernetesVersionFlags]
  },
  {
    name: 'traefik',
    version: TRAEFIK_VERSION,
    moduleDir: 'sandbox/traefik',
    commands: [{ pkg: 'github.com/traefik/traefik/v3/cmd/traefik', binary: 'traefik' }],
    ldflags: ['-s', '-w', `-X github.com/traefik/traefik/v3/pkg/version.Version=${TRAEFIK_VERSION}`]
  },
  {
    // Debian's prometheus package is built without Kubernetes service discovery (its 2.42 rejects
    // kubernetes_sd_configs), so the sandbox builds Prometheus with file, HTTP and Kubernetes discovery only.
    name: 'prometheus',
    version: PROMETHEUS_VERSION,
    moduleDir: 'sandbox/prometheus',
    commands: [{ pkg: 'github.com/prometheus/prometheus/cmd/prometheus', binary: 'prometheus' }],
    tags: ['remove_all_sd', 'enable_kubernetes_sd'],
    ldflags: [
      '-s',
      '-w',
      `-X github.com/prometheus/common/version.Version=${PROMETHEUS_RELEASE}`,
      '-X github.com/prometheus/common/version.Branch=release',
      '-X github.com/prometheus/common/version.Revision=module'
    ]
  },
  {
    name: 'podinfo',
    version: PODINFO_VERSION,
    moduleDir: 'sandbox/podinfo',
    commands: [
      { pkg: 'github.com/stefanprodan/podinfo/cmd/podinfo', binary: 'podinfo' },
      // podinfo's chart probes with `exec: podcli check http localhost:9898/readyz`.
      { pkg: 'github.com/stefanprodan/podinfo/cmd/podcli', binary: 'podcli' }
    ],
    ldflags: ['-s', '-w']
  }
];
