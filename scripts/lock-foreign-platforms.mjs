// The npm registry mirror on this project's machines serves only Linux builds of platform-specific
// optional packages, so `npm install` cannot record the others in package-lock.json, and `npm ci`
// then refuses the lock ("Missing: ... from lock file"). This adds the missing entries with their
// os/cpu/libc, so `npm ci` accepts the lock and skips them as on any Linux machine.
// Usage: node scripts/lock-foreign-platforms.mjs  (after any dependency change)
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helm-paths.mjs';

const lockPath = path.join(repoRoot, 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

/** os, cpu and libc from a binding's name, e.g. resolver-binding-linux-arm-musleabihf. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const [os, cpu, abi] = parts.slice(-3).length === 3 && ['linux', 'android', 'darwin', 'freebsd', 'win32', 'openharmony'].includes(parts.at(-3)) ? parts.slice(-3) : [...parts.slice(-2), undefined];
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux' && abi) entry.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return entry;
}

let added = 0;
for (const [key, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const at = `${key ? `${key}/` : ''}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[at] || packages[hoisted]) continue;
    packages[hoisted] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      license: meta.license,
      optional: true,
      ...platformOf(dep)
    };
    added++;
  }
}
// npm keeps packages sorted by path.
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-foreign-platforms: added ${added} entries`);
