// What the agent needs from the build's manifest (.tools/sandbox/manifest.json, written by
// `npm run sandbox:build`): the podinfo binary and the Kubernetes version it plays the kubelet of.
import fs from 'node:fs';

export interface AgentManifest {
  podinfo?: string;
  kubernetesVersion?: string;
}

export function readAgentManifest(file: string): AgentManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `manifestPath ${file}: expected the build's manifest JSON (${(error as Error).message}); run \`npm run sandbox:build\``
    );
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error(`manifestPath ${file}: expected a JSON object`);
  const { binaries, kubernetesVersion } = parsed as {
    binaries?: Record<string, unknown>;
    kubernetesVersion?: unknown;
  };
  const podinfo = binaries?.podinfo;
  if (podinfo !== undefined && (typeof podinfo !== 'string' || !fs.existsSync(podinfo))) {
    throw new Error(
      `manifestPath ${file}: binaries.podinfo ${JSON.stringify(podinfo)} is not an existing file`
    );
  }
  return {
    podinfo: podinfo as string | undefined,
    kubernetesVersion: typeof kubernetesVersion === 'string' ? kubernetesVersion : undefined
  };
}
