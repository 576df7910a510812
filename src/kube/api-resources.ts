// The preflight's cluster port on kubectl: which kinds are cluster-scoped, as the API server says
// (`kubectl api-resources --namespaced=false`), so CRDs' kinds count too. Without kubectl (or access to
// discovery) the built-in list below is used and the log says so.
import type { CommandRunner } from '../deploy/command-runner.js';
import type { PreflightCluster } from '../preflight/types.js';
import { errorMessage } from '../error-message.js';

/** Kubernetes' own cluster-scoped kinds, and the common ones of widespread add-ons. */
export const KNOWN_CLUSTER_SCOPED_KINDS = [
  'APIService',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'GatewayClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment'
];

export class KubectlApiResources implements PreflightCluster {
  constructor(
    private readonly run: CommandRunner,
    private readonly log: (line: string) => void,
    private readonly kubectlPath = 'kubectl'
  ) {}

  async clusterScopedKinds(): Promise<ReadonlySet<string>> {
    const args = [
      'api-resources',
      '--namespaced=false',
      '--no-headers',
      '-o',
      'wide',
      '--request-timeout=30s'
    ];
    try {
      const result = await this.run(this.kubectlPath, args);
      if (result.exitCode === 0) {
        const kinds = parseKinds(result.stdout);
        if (kinds.size > 0) return new Set([...kinds, ...KNOWN_CLUSTER_SCOPED_KINDS]);
      }
      this.log(
        `kubectl api-resources failed (${result.stderr.trim() || `exit ${result.exitCode}`}); using the built-in list of cluster-scoped kinds`
      );
    } catch (error) {
      this.log(
        `could not run kubectl (${errorMessage(error)}); using the built-in list of cluster-scoped kinds`
      );
    }
    return new Set(KNOWN_CLUSTER_SCOPED_KINDS);
  }
}

/**
 * `kubectl api-resources -o wide` columns: NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS
 * [CATEGORIES]. The kind is the word after `false` (the NAMESPACED column).
 */
export function parseKinds(stdout: string): Set<string> {
  const kinds = new Set<string>();
  for (const line of stdout.split('\n')) {
    const words = line.trim().split(/\s+/);
    const at = words.indexOf('false');
    if (at > 0 && words[at + 1]) kinds.add(words[at + 1]);
  }
  return kinds;
}
