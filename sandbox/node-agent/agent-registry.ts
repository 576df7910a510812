// Which agents are alive on this machine. Network namespaces and links outlive the process that made
// them; each agent writes /run/sandbox-node-agent/<id>.json with its pid, so a later run removes only
// what belongs to agents that are gone (another sandbox may be running beside it).
import fs from 'node:fs';
import path from 'node:path';

export const REGISTRY_DIR = '/run/sandbox-node-agent';

interface Registration {
  pid: number;
  nodeName: string;
  podCidr: string;
  stateDir: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims an id no live agent and no existing name uses; returns it. */
export function register(
  isTaken: (id: string) => boolean,
  makeId: () => string,
  details: Omit<Registration, 'pid' | 'startedAt'>
): string {
  fs.mkdirSync(REGISTRY_DIR, { recursive: true });
  for (let attempt = 0; attempt < 200; attempt++) {
    const id = makeId();
    if (isTaken(id) || liveAgentIds().has(id)) continue;
    const registration: Registration = { pid: process.pid, startedAt: new Date().toISOString(), ...details };
    try {
      fs.writeFileSync(path.join(REGISTRY_DIR, `${id}.json`), JSON.stringify(registration), { flag: 'wx' });
      return id;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`no free node-agent id: ${REGISTRY_DIR} and the sandbox- links leave none`);
}

export function unregister(id: string): void {
  fs.rmSync(path.join(REGISTRY_DIR, `${id}.json`), { force: true });
}

/** Ids of agents whose process still runs; registrations of dead ones are removed. */
export function liveAgentIds(): Set<string> {
  const live = new Set<string>();
  let files: string[] = [];
  try {
    files = fs.readdirSync(REGISTRY_DIR);
  } catch {
    return live;
  }
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const id = file.slice(0, -'.json'.length);
    try {
      const registration = JSON.parse(fs.readFileSync(path.join(REGISTRY_DIR, file), 'utf8')) as Registration;
      if (isAlive(registration.pid)) {
        live.add(id);
        continue;
      }
    } catch {
      // unreadable: treat as dead
    }
    fs.rmSync(path.join(REGISTRY_DIR, file), { force: true });
  }
  return live;
}
