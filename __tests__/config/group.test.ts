// The `group` file: each member read through readRolloutSpec with its keys first, the alpha split,
// dependency order, and every problem of the file reported at once, each named.
import { readReleaseGroup } from '../../src/config/group.js';
import { ConfigError } from '../../src/config/errors.js';
import { inputs, makeWorkspace, type Workspace } from './helpers.js';

const SHARED = { 'prometheus-url': 'http://127.0.0.1:9090', steps: '20,50', alpha: '0.05' };

describe('release group file', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
    ws.write('charts/catalogue/Chart.yaml', 'apiVersion: v2\nname: catalogue\nversion: 0.1.0\n');
    ws.write('values-catalogue.yaml', 'replicaCount: 1\n');
  });
  afterEach(() => ws.remove());

  const read = (text: string, extra: Record<string, string> = {}) => {
    ws.write('group.yml', text);
    return readReleaseGroup(inputs({ ...SHARED, group: 'group.yml', ...extra }), { cwd: ws.dir, env: {} });
  };
  const problems = (text: string, extra: Record<string, string> = {}): string[] => {
    try {
      read(text, extra);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('reads each member with its own keys and the shared inputs, in dependency order, alpha split', () => {
    const group = read(`releases:
  - release: storefront
    chart: ./charts/storefront
    version: 2.1.0
    after: [catalogue]
  - release: catalogue
    chart: ./charts/catalogue
    version: 2.0.0
    version-key: app.version
    values: values-catalogue.yaml
    set: [replicaCount=2]
    metrics:
      - name: lookup-errors
        kind: errors
        bad: catalogue_lookup_failures_total{release="{{release}}"}
        total: catalogue_lookups_total{release="{{release}}"}
        max: 2%
`);
    expect(group.members.map((m) => [m.spec.release, m.depth, m.after])).toEqual([
      ['catalogue', 0, []],
      ['storefront', 1, ['catalogue']]
    ]);
    const [catalogue, storefront] = group.members.map((m) => m.spec);
    expect(catalogue).toMatchObject({
      version: '2.0.0',
      versionKey: 'app.version',
      canaryRelease: 'catalogue-canary'
    });
    expect(catalogue.valuesFiles).toEqual([`${ws.dir}/values-catalogue.yaml`]);
    expect(catalogue.set).toEqual([{ key: 'replicaCount', value: '2' }]);
    expect(storefront).toMatchObject({ version: '2.1.0', versionKey: 'image.tag', steps: [20, 50] });
    // One alpha for the group, split by the union bound: 0.05 / 2 members.
    expect(group.alpha).toBe(0.05);
    expect(catalogue.analysis.alpha).toBe(0.025);
    expect(storefront.analysis.alpha).toBe(0.025);
    expect(catalogue.analysis.metrics.map((m) => m.name)).toContain('lookup-errors');
    expect(group.checkName).toBe('canary / catalogue + storefront');
  });

  it('reports every problem of the file at once, each naming the file, the entry and the key', () => {
    const found = problems(
      `releases:
  - release: catalogue
    chart: ./charts/catalogue
    version: 2.0.0
    colour: blue
    after: [storefront]
  - release: storefront
    chart: ./charts/storefront
    after: [catalogue, search]
  - release: catalogue
    chart: ./charts/catalogue
    version: 2.0.1
`,
      { release: 'storefront' }
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'input `release` is set together with input `group`: give `release` per release in group.yml, not as an input.',
        expect.stringMatching(/^group file group\.yml, entry 1 \(catalogue\): unknown key `colour`/),
        expect.stringMatching(/^group file group\.yml, entry 2 \(storefront\), key `version` is required/),
        expect.stringMatching(
          /^group file group\.yml, entry 3: release `catalogue` is listed twice \(also entry 1\)/
        ),
        expect.stringMatching(
          /^group file group\.yml, entry 2 \(storefront\), key `after`: `search` is not a release of this group/
        )
      ])
    );
  });

  it('names a dependency cycle in order', () => {
    const found = problems(`releases:
  - release: catalogue
    chart: ./charts/catalogue
    version: 2.0.0
    after: [storefront]
  - release: storefront
    chart: ./charts/storefront
    version: 2.1.0
    after: [catalogue]
`);
    expect(found).toEqual([
      'group file group.yml: the `after:` dependencies form a cycle: catalogue → storefront → catalogue; a release cannot wait for itself.'
    ]);
  });

  it("names a member's bad value by its key in the file, and the file when it is missing", () => {
    const found = problems(`releases:
  - release: catalogue
    chart: ./charts/catalogue
    version: "not a version!"
    routing: carrier-pigeon
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^group file group\.yml, entry 1 \(catalogue\), key `version`: expected a version/
        ),
        expect.stringMatching(/^group file group\.yml, entry 1 \(catalogue\), key `routing`: expected one of/)
      ])
    );
    expect(() =>
      readReleaseGroup(inputs({ ...SHARED, group: 'nowhere.yml' }), { cwd: ws.dir, env: {} })
    ).toThrow(/input `group`: file nowhere\.yml not found/);
  });

  it('refuses commands other than deploy for a group', () => {
    expect(
      problems('releases:\n  - release: catalogue\n    chart: ./charts/catalogue\n    version: 2.0.0\n', {
        command: 'promote'
      })
    ).toEqual([expect.stringMatching(/^input `command` is promote with input `group`/)]);
  });
});
