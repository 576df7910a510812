// charts/storefront's cartSecret option under the real Helm 3 and Helm 4: CART_SECRET from the release's
// own Secret or an existing one, nothing by default (the app's development key), schema checks.
// Lives with the storefront tests because it is the app's contract; it reuses the chart tests' helpers.
import { describe, expect, it } from '@jest/globals';
import { canarySets, chartDir, helm, kinds, only, template, type K8sObject } from '../chart/helm.js';
import { Secret } from 'kubernetes-models/v1/Secret';
import { validateObject } from '../chart/validate.js';

// The chart tests' validator has no Secret model (only this option renders one).
function validate(object: K8sObject) {
  if (object.kind === 'Secret') new Secret(object as any).validate();
  else validateObject(object);
}

const KEY = 'a-shared-cart-key-0123456789';

function cartSecretEnv(objects: K8sObject[]) {
  const container = only(objects, 'Deployment').spec.template.spec.containers[0];
  return container.env.find((e: { name: string }) => e.name === 'CART_SECRET');
}

describe.each([3, 4] as const)('charts/storefront cartSecret with Helm %i', (major) => {
  it('sets no CART_SECRET and no Secret by default', async () => {
    const objects = await template(major, 'shop');
    expect(kinds(objects)).not.toContain('Secret');
    expect(cartSecretEnv(objects)).toBeUndefined();
    expect(only(objects, 'Deployment').spec.template.metadata.annotations).not.toHaveProperty(
      'checksum/cart-secret'
    );
  });

  it('stores a value in the release own Secret, the same key for stable and canary, and rolls pods on change', async () => {
    const stable = await template(major, 'shop', ['--set', `cartSecret.value=${KEY}`]);
    const canary = await template(major, 'shop-canary', [
      '--set',
      `cartSecret.value=${KEY}`,
      ...canarySets('ingress-nginx', 20)
    ]);
    for (const [objects, name] of [
      [stable, 'shop-cart'],
      [canary, 'shop-canary-cart']
    ] as const) {
      const secret = only(objects, 'Secret');
      expect(secret.metadata.name).toBe(name);
      expect(Buffer.from(secret.data!['cart-secret'], 'base64').toString()).toBe(KEY);
      expect(cartSecretEnv(objects)).toEqual({
        name: 'CART_SECRET',
        valueFrom: { secretKeyRef: { name, key: 'cart-secret' } }
      });
      for (const object of objects) expect(() => validate(object)).not.toThrow();
    }
    const checksum = (objects: K8sObject[]) =>
      only(objects, 'Deployment').spec.template.metadata.annotations['checksum/cart-secret'];
    expect(checksum(stable)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(canary)).toBe(checksum(stable));
    const rotated = await template(major, 'shop', ['--set', `cartSecret.value=${KEY}-rotated`]);
    expect(checksum(rotated)).not.toBe(checksum(stable));
  });

  it('reads an existing Secret instead, without rendering one', async () => {
    const objects = await template(major, 'shop', [
      '--set',
      'cartSecret.existingSecret=shop-keys',
      '--set',
      'cartSecret.existingSecretKey=cart',
      '--set',
      `cartSecret.value=${KEY}`
    ]);
    expect(kinds(objects)).not.toContain('Secret');
    expect(cartSecretEnv(objects)).toEqual({
      name: 'CART_SECRET',
      valueFrom: { secretKeyRef: { name: 'shop-keys', key: 'cart' } }
    });
  });

  it('rejects a key shorter than the app accepts, and a bad Secret name', async () => {
    const short = await helm(major, ['template', 'shop', chartDir, '--set', 'cartSecret.value=short']);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('cartSecret');
    const badName = await helm(major, [
      'template',
      'shop',
      chartDir,
      '--set',
      'cartSecret.existingSecret=Shop_Keys'
    ]);
    expect(badName.code).not.toBe(0);
    expect(badName.stderr).toContain('cartSecret');
  });
});
