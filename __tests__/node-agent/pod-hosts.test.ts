// The pods' hosts files: what they map, that a change is written in place (a running pod's /etc/hosts
// is a bind mount of the file), that nothing but DNS names gets in, and that removal leaves nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  PodHostsFiles,
  hostsFileText,
  isHostName,
  removeStaleHostsDirs
} from '../../sandbox/node-agent/pod-hosts.js';

const dirs: string[] = [];
function etcDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-hosts-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('pod hosts files', () => {
  it('maps each routed host to the gateway address, after localhost', () => {
    const text = hostsFileText('10.244.0.1', ['catalogue.example.com', 'storefront.example.com']);
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      '10.244.0.1\tcatalogue.example.com',
      '10.244.0.1\tstorefront.example.com',
      ''
    ]);
  });

  it('writes a file per pod namespace and rewrites it in place (same inode) when the hosts change', () => {
    const etc = etcDir();
    const files = new PodHostsFiles('10.244.0.1', etc);
    files.add('sandbox-ab-2');
    const file = path.join(etc, 'sandbox-ab-2', 'hosts');
    const inode = fs.statSync(file).ino;
    expect(fs.readFileSync(file, 'utf8')).not.toContain('10.244.0.1');
    expect(files.setNames(['storefront.example.com', 'catalogue.example.com', 'catalogue.example.com'])).toBe(
      true
    );
    expect(fs.statSync(file).ino).toBe(inode);
    expect(fs.readFileSync(file, 'utf8')).toContain(
      '10.244.0.1\tcatalogue.example.com\n10.244.0.1\tstorefront.example.com\n'
    );
    // The same set again is no change; a pod added later gets the current names at once.
    expect(files.setNames(['catalogue.example.com', 'storefront.example.com'])).toBe(false);
    files.add('sandbox-ab-3');
    expect(fs.readFileSync(path.join(etc, 'sandbox-ab-3', 'hosts'), 'utf8')).toContain(
      'catalogue.example.com'
    );
  });

  it('leaves out anything that is not a DNS name: wildcards, spaces, new lines, upper case', () => {
    for (const bad of [
      '*.example.com',
      'a b',
      'evil\n1.2.3.4 bank.example.com',
      'Catalogue.example.com',
      ''
    ]) {
      expect(isHostName(bad)).toBe(false);
    }
    expect(isHostName('catalogue.shop-ns.svc.cluster.local')).toBe(true);
    const etc = etcDir();
    const files = new PodHostsFiles('10.244.0.1', etc);
    files.add('sandbox-ab-2');
    files.setNames(['evil\n1.2.3.4 bank.example.com', 'ok.example.com']);
    const text = fs.readFileSync(path.join(etc, 'sandbox-ab-2', 'hosts'), 'utf8');
    expect(text).not.toContain('bank.example.com');
    expect(text).toContain('10.244.0.1\tok.example.com');
  });

  it("removes a pod's directory with its namespace, and every one on removeAll", () => {
    const etc = etcDir();
    const files = new PodHostsFiles('10.244.0.1', etc);
    files.add('sandbox-ab-2');
    files.add('sandbox-ab-3');
    files.remove('sandbox-ab-2');
    expect(fs.readdirSync(etc)).toEqual(['sandbox-ab-3']);
    files.removeAll();
    expect(fs.readdirSync(etc)).toEqual([]);
  });

  it("removes only the stale entries of dead agents, not a live agent's or someone else's", () => {
    const etc = etcDir();
    for (const name of ['sandbox-zz-1', 'sandbox-ab-1', 'other-ns']) fs.mkdirSync(path.join(etc, name));
    const removed = removeStaleHostsDirs((name) => name.startsWith('sandbox-zz'), etc);
    expect(removed).toEqual(['sandbox-zz-1']);
    expect(fs.readdirSync(etc).sort()).toEqual(['other-ns', 'sandbox-ab-1']);
    expect(removeStaleHostsDirs(() => true, path.join(etc, 'missing'))).toEqual([]);
  });
});
