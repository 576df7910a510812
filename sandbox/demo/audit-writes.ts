// Counts what a run of the action changed in the cluster, from the API server's audit log (the policy
// logs every write at Metadata level): the write requests made by the action's own identity
// (ACTION_USER, its own client certificate) between two moments. The demo's Helm, the load generator,
// Prometheus, Traefik, the controllers and the node agent use other identities, so none of theirs count.
import fs from 'node:fs';

export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

export interface ActionWrites {
  /** Write requests by the action's user in the window, dry runs (`dryRun=All`) included. */
  writes: number;
  byVerb: Record<string, number>;
  /** `verb resource namespace/name` of each, for details.json. */
  requests: string[];
}

interface AuditEvent {
  stage?: string;
  verb?: string;
  requestURI?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
  requestReceivedTimestamp?: string;
}

export function countActionWrites(
  auditLog: string,
  user: string,
  sinceMs: number,
  untilMs: number
): ActionWrites {
  const found: ActionWrites = { writes: 0, byVerb: {}, requests: [] };
  if (!fs.existsSync(auditLog))
    throw new Error(`no audit log at ${auditLog}: is the API server started with --audit-log-path?`);
  for (const line of fs.readFileSync(auditLog, 'utf8').split('\n')) {
    if (!line.includes(user)) continue;
    const event = JSON.parse(line) as AuditEvent;
    if (event.user?.username !== user || event.stage !== 'ResponseComplete') continue;
    if (!(WRITE_VERBS as readonly string[]).includes(event.verb ?? '')) continue;
    const at = Date.parse(event.requestReceivedTimestamp ?? '');
    if (!(at >= sinceMs && at <= untilMs)) continue;
    found.writes++;
    found.byVerb[event.verb!] = (found.byVerb[event.verb!] ?? 0) + 1;
    const ref = event.objectRef ?? {};
    const dry = event.requestURI?.includes('dryRun=') ? ' (dry run)' : '';
    found.requests.push(
      `${event.verb} ${ref.resource ?? '?'}${ref.subresource ? `/${ref.subresource}` : ''} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ''}${dry}`.trim()
    );
  }
  return found;
}
