// Binaries the sandbox takes from Debian packages rather than building: etcd (etcd-server 3.4, which
// the API server of v1.37 works with). Found on PATH; a missing one is a named error with the package.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface SystemTool {
  readonly binary: 'etcd';
  readonly debianPackage: string;
}

export const SYSTEM_TOOLS: readonly SystemTool[] = [{ binary: 'etcd', debianPackage: 'etcd-server' }];

export function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface FoundTool {
  readonly path: string;
  readonly version: string;
}

export function locateSystemTool(tool: SystemTool): FoundTool {
  const found = findOnPath(tool.binary);
  if (!found)
    throw new Error(
      `${tool.binary} not found on PATH: install Debian's ${tool.debianPackage} (apt-get install ${tool.debianPackage})`
    );
  const output = execFileSync(found, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const version = /(\d+\.\d+\.\d+)/.exec(output)?.[1] ?? 'unknown';
  return { path: found, version };
}
