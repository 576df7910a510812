// npm run sandbox:build's guarantees that need no Go build: downloads only through the module proxy, and a
// manifest naming paths that do not exist is a named error.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goEnvironment } from '../../sandbox/build/go.js';
import { ManifestMissingError, readManifest } from '../../sandbox/build/manifest.js';

describe('goEnvironment', () => {
  test.each([
    ['https://proxy.golang.org,direct', 'https://proxy.golang.org'],
    ['https://a.example|https://b.example|direct', 'https://a.example,https://b.example'],
    ['direct', 'https://proxy.golang.org'],
    [undefined, 'https://proxy.golang.org']
  ])('GOPROXY=%s becomes %s (no direct clone from a module origin)', (given, expected) => {
    expect(goEnvironment({ GOPROXY: given }).GOPROXY).toBe(expected);
  });
});

describe('readManifest', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('names a missing manifest and says how to build', () => {
    const file = path.join(dir, 'absent.json');
    expect(() => readManifest(file)).toThrow(new ManifestMissingError(file, 'not found'));
    expect(() => readManifest(file)).toThrow(/npm run sandbox:build/);
  });

  test('names every listed path that does not exist', () => {
    const file = path.join(dir, 'manifest.json');
    const manifest = {
      kubernetesVersion: 'v1.37.2',
      versions: {},
      binaries: { etcd: '/bin/sh', kubectl: path.join(dir, 'no-kubectl') },
      crds: [path.join(dir, 'no-crd.yaml')],
      podinfoChart: dir
    };
    writeFileSync(file, JSON.stringify(manifest));
    expect(() => readManifest(file)).toThrow(
      `lists paths that do not exist: ${path.join(dir, 'no-kubectl')}, ${path.join(dir, 'no-crd.yaml')}`
    );
  });
});
