// What the agent needs from the build's manifest (.tools/sandbox/manifest.json, written by
// `npm run sandbox:build`): the podinfo binaries and the Kubernetes version it plays the kubelet of.
import fs from 'node:fs';

export interface AgentManifest {
  podinfo?: string;
  podcli?: string;
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
  const binary = (name: string): string | undefined => {
    const value = binaries?.[name];
    if (value !== undefined && (typeof value !== 'string' || !fs.existsSync(value))) {
      throw new Error(
        `manifestPath ${file}: binaries.${name} ${JSON.stringify(value)} is not an existing file`
      );
    }
    return value;
  };
  return {
    podinfo: binary('podinfo'),
    podcli: binary('podcli'),
    kubernetesVersion: typeof kubernetesVersion === 'string' ? kubernetesVersion : undefined
  };
}
