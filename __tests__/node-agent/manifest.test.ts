import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAgentManifest } from '../../sandbox/node-agent/manifest.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-manifest-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('readAgentManifest', () => {
  it('reads the podinfo binaries and the Kubernetes version', () => {
    const binary = write('podinfo', '');
    const file = write(
      'ok.json',
      JSON.stringify({ kubernetesVersion: 'v1.37.2', binaries: { podinfo: binary, etcd: '/x' } })
    );
    expect(readAgentManifest(file)).toEqual({
      podinfo: binary,
      podcli: undefined,
      kubernetesVersion: 'v1.37.2'
    });
  });

  it('names the file and the key of a binary that does not exist', () => {
    const file = write('gone.json', JSON.stringify({ binaries: { podinfo: '/nowhere/podinfo' } }));
    expect(() => readAgentManifest(file)).toThrow(
      `manifestPath ${file}: binaries.podinfo "/nowhere/podinfo" is not an existing file`
    );
  });

  it('names a file that is missing or not JSON and says how to make it', () => {
    expect(() => readAgentManifest(path.join(dir, 'none.json'))).toThrow('run `npm run sandbox:build`');
    expect(() => readAgentManifest(write('bad.json', '{'))).toThrow(
      `manifestPath ${path.join(dir, 'bad.json')}: expected the build's manifest JSON`
    );
  });
});
