// Names of what the agent makes in the kernel. Every name starts with "sandbox-" and carries the
// agent's two-character id, so cleanupStale() can tell a dead run's leftovers from a live agent's.
// Interface names are at most 15 characters: "sandbox-" (8) + id (2) + kind (1) + offset (<= 4).

export const PREFIX = 'sandbox-';
const ID_PATTERN = /^sandbox-([a-z0-9]{2})/;

export function bridgeName(agentId: string): string {
  return `${PREFIX}${agentId}br`;
}

export function podNetnsName(agentId: string, offset: number): string {
  return `${PREFIX}${agentId}-${offset.toString(36)}`;
}

/** The host end of a pod's veth pair, attached to the bridge. */
export function hostVethName(agentId: string, offset: number): string {
  return `${PREFIX}${agentId}v${offset.toString(36)}`;
}

/** The pod end's name until it is renamed eth0 inside the pod's namespace. */
export function podVethName(agentId: string, offset: number): string {
  return `${PREFIX}${agentId}p${offset.toString(36)}`;
}

/** The agent id in a name we made, or undefined for a name that is not ours. */
export function agentIdOf(name: string): string | undefined {
  return ID_PATTERN.exec(name)?.[1];
}

export function randomAgentId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 2 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}
