import { checkCollisions } from '../../src/preflight/collisions.js';
import { parseManifest } from '../../src/preflight/manifest.js';
import { manifest } from './fakes.js';

const base = {
  namespace: 'shop',
  canaryRelease: 'storefront-canary',
  release: 'storefront',
  clusterScopedKinds: new Set(['ClusterRole'])
};

describe('preflight: the releases do not collide', () => {
  it('passes when every object of the canary has a name of its own', () => {
    const found = checkCollisions({
      ...base,
      canary: parseManifest(
        manifest(['Service', 'storefront-canary'], ['ClusterRole', 'storefront-canary-reader'])
      ),
      stable: parseManifest(manifest(['Service', 'storefront'], ['ClusterRole', 'storefront-reader']))
    });
    expect(found.errors).toEqual([]);
    expect(found.lines.map((l) => l.status)).toEqual(['ok', 'ok']);
  });

  it('names the objects both releases render (a fullnameOverride), with what to do', () => {
    const found = checkCollisions({
      ...base,
      canary: parseManifest(manifest(['Service', 'storefront'], ['Secret', 'shop.example.com-tls', 'shop'])),
      // Stable's objects carry the namespace Helm gave them; the canary's render may not.
      stable: parseManifest(manifest(['Service', 'storefront', 'shop'], ['Secret', 'shop.example.com-tls']))
    });
    expect(found.errors.map((e) => e.code)).toEqual(['release-objects-collide']);
    expect(found.errors[0].message).toContain('Service shop/storefront, Secret shop/shop.example.com-tls');
    expect(found.errors[0].message).toMatch(/fullnameOverride/);
  });

  it('does not call objects of the same name in other namespaces or of other kinds a collision', () => {
    const found = checkCollisions({
      ...base,
      canary: parseManifest(manifest(['Service', 'storefront', 'other'], ['ConfigMap', 'storefront'])),
      stable: parseManifest(manifest(['Service', 'storefront'], ['Deployment', 'storefront']))
    });
    expect(found.errors).toEqual([]);
  });

  it('refuses a cluster-scoped object whose name lacks the release name, even with no stable', () => {
    const found = checkCollisions({
      ...base,
      canary: parseManifest(manifest(['ClusterRole', 'nginx-metrics', 'shop'])),
      stable: undefined
    });
    expect(found.errors.map((e) => e.code)).toEqual(['cluster-scoped-object-shared']);
    expect(found.errors[0].message).toContain('ClusterRole nginx-metrics');
    expect(found.lines[0]).toMatchObject({ status: 'skip' });
  });
});
