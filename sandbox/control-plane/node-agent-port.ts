// The node agent (sandbox/node-agent/, the kubelet stand-in) as the control plane sees it. Loaded at
// run time so the control plane can start without it (`--no-agent`) for the agent's own tests.
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface NodeAgentOptions {
  readonly kubeconfig: string;
  readonly nodeName: string;
  readonly stateDir: string;
  readonly podCidr: string;
  readonly manifestPath: string;
}

export interface NodeAgent {
  stop(): Promise<void>;
}

export interface NodeAgentModule {
  startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent>;
  /** Removes `sandbox-` network namespaces and links whose agent process is dead. */
  cleanupStale?(): Promise<{ namespaces: string[]; links: string[] }>;
}

const agentEntry = path.resolve(import.meta.dirname, '../node-agent/index.ts');

export function nodeAgentAvailable(): boolean {
  return existsSync(agentEntry);
}

export async function loadNodeAgent(): Promise<NodeAgentModule> {
  if (!nodeAgentAvailable())
    throw new Error(`node agent not found at ${agentEntry}; start the control plane alone with --no-agent`);
  const specifier: string = agentEntry;
  return (await import(specifier)) as NodeAgentModule;
}
