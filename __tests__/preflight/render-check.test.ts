import { HelmError } from '../../src/deploy/helm-error.js';
import { checkRender } from '../../src/preflight/render-check.js';
import { FakeHelm, manifest } from './fakes.js';

const helmFails = (stderr: string) => () => {
  throw new HelmError('helm upgrade --install storefront-canary ...', 1, stderr);
};

// Helm's own words, as Helm 4.1 and 3.17 print them for a schema with additionalProperties: false.
const HELM4_SCHEMA = `Error: values don't meet the specifications of the schema(s) in the following chart(s):
storefront:
- at '': additional properties 'canaryAction' not allowed`;
const HELM3_SCHEMA = `Error: values don't meet the specifications of the schema(s) in the following chart(s):
storefront:
- (root): Additional property canaryAction is not allowed`;

describe('preflight: the chart renders with the canary values', () => {
  it('counts the objects of the server-side dry run', async () => {
    const helm = new FakeHelm();
    const found = await checkRender(helm, 'storefront-canary', 10);
    expect(found.errors).toEqual([]);
    expect(found.objects?.map((o) => o.kind)).toEqual(['Service', 'Ingress']);
    expect(found.lines[0].detail).toBe('server-side dry run at 10%: 2 objects');
  });

  it.each([
    ['Helm 4', HELM4_SCHEMA],
    ['Helm 3', HELM3_SCHEMA]
  ])('%s: a strict schema that rejects the marks says which keys to allow, and how', async (_, stderr) => {
    const helm = new FakeHelm();
    helm.render = helmFails(stderr);
    const found = await checkRender(helm, 'storefront-canary', 10);
    expect(found.errors.map((e) => e.code)).toEqual(['schema-rejects-action-values']);
    expect(found.errors[0].message).toContain('(canaryAction.weight, canaryAction.version)');
    expect(found.errors[0].message).toContain(
      'add "canaryAction": {"type": "object"} to its top-level "properties"'
    );
  });

  it("a schema error Helm does not pin on a key: the user's values alone decide whose keys are rejected", async () => {
    const vague = `Error: values don't meet the specifications of the schema(s) in the following chart(s):\nstorefront:\n- at '/replicaCount': got string, want integer`;
    const helm = new FakeHelm();
    helm.render = helmFails(vague);
    helm.userValues = helmFails(vague);
    const own = await checkRender(helm, 'storefront-canary', 10);
    expect(own.errors.map((e) => e.code)).toEqual(['chart-does-not-render']);
    expect(own.errors[0].message).toContain('values given in `values` and `set`');

    helm.userValues = () => '';
    const action = await checkRender(helm, 'storefront-canary', 10);
    expect(action.errors.map((e) => e.code)).toEqual(['schema-rejects-action-values']);
  });

  it('an object owned elsewhere is a collision; the client-side render still feeds the other checks', async () => {
    const helm = new FakeHelm();
    helm.render = helmFails(
      'Error: Unable to continue with install: Service "storefront" in namespace "shop" exists and cannot be imported into the current release: invalid ownership metadata'
    );
    helm.template = () => manifest(['Service', 'storefront']);
    const found = await checkRender(helm, 'storefront-canary', 10);
    expect(found.errors.map((e) => e.code)).toEqual(['release-objects-collide']);
    expect(found.ownedElsewhere).toBe(true);
    expect(found.objects?.map((o) => o.name)).toEqual(['storefront']);
  });

  it('any other failure is chart-does-not-render with Helm’s message', async () => {
    const helm = new FakeHelm();
    helm.render = helmFails('Error: template: storefront/templates/deployment.yaml:12: nil pointer');
    helm.template = helmFails('same');
    const found = await checkRender(helm, 'storefront-canary', 10);
    expect(found.errors.map((e) => e.code)).toEqual(['chart-does-not-render']);
    expect(found.errors[0].message).toContain('deployment.yaml:12: nil pointer');
    expect(found.objects).toBeUndefined();
  });
});
