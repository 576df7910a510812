import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { expandReferences, resolveEnv, type EnvLookups } from '../../sandbox/node-agent/env.js';
import { portsToServe, resolveContainerPort } from '../../sandbox/node-agent/ports.js';

const pod: V1Pod = {
  metadata: {
    name: 'shop-1',
    namespace: 'store',
    uid: 'u-1',
    labels: { app: 'shop' },
    annotations: { 'team.io/owner': 'web' }
  },
  spec: { nodeName: 'sandbox-node', serviceAccountName: 'default', containers: [] }
};
const addresses = { podIP: '10.244.0.5', hostIP: '10.244.0.1' };
const lookups: EnvLookups = {
  configMap: async (namespace, name) =>
    namespace === 'store' && name === 'cfg' ? { LEVEL: 'debug', 'bad=key': 'x' } : undefined,
  secret: async (namespace, name) =>
    namespace === 'store' && name === 'sec' ? { token: 's3cret' } : undefined
};

function container(spec: Partial<V1Container>): V1Container {
  return { name: 'web', image: 'x', ...spec };
}

describe('expandReferences', () => {
  it('expands $(VAR), keeps unknown references and turns $$ into $', () => {
    expect(expandReferences('$(A)-$(B)-$$(A)', { A: '1' })).toBe('1-$(B)-$(A)');
  });
});

describe('resolveEnv', () => {
  it('reads envFrom first (with prefix, skipping keys that cannot be names), then env, which wins', async () => {
    const env = await resolveEnv(
      container({
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'sec' } }],
        env: [
          { name: 'token', value: 'override' },
          { name: 'URL', value: 'http://$(CFG_LEVEL)/$(NOPE)' }
        ]
      }),
      pod,
      addresses,
      lookups
    );
    expect(env).toEqual({ CFG_LEVEL: 'debug', token: 'override', URL: 'http://debug/$(NOPE)' });
  });

  it('resolves fieldRef, configMapKeyRef and secretKeyRef', async () => {
    const env = await resolveEnv(
      container({
        env: [
          { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'OWNER', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team.io/owner']" } } },
          { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'sec', key: 'token' } } },
          { name: 'MAYBE', valueFrom: { secretKeyRef: { name: 'sec', key: 'absent', optional: true } } }
        ]
      }),
      pod,
      addresses,
      lookups
    );
    expect(env).toEqual({
      NAME: 'shop-1',
      NS: 'store',
      IP: '10.244.0.5',
      HOST: '10.244.0.1',
      NODE: 'sandbox-node',
      APP: 'shop',
      OWNER: 'web',
      LEVEL: 'debug',
      TOKEN: 's3cret'
    });
  });

  it('refuses a missing Secret or key that is not optional, naming it', async () => {
    const missingSecret = container({
      env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }]
    });
    await expect(resolveEnv(missingSecret, pod, addresses, lookups)).rejects.toThrow(
      'secret "other" not found (env T)'
    );
    const missingKey = container({
      env: [{ name: 'T', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }]
    });
    await expect(resolveEnv(missingKey, pod, addresses, lookups)).rejects.toThrow(
      "couldn't find key k in ConfigMap store/cfg (env T)"
    );
    const missingEnvFrom = container({ envFrom: [{ configMapRef: { name: 'gone' } }] });
    await expect(resolveEnv(missingEnvFrom, pod, addresses, lookups)).rejects.toThrow(
      'configmap "gone" not found (envFrom)'
    );
    const optional = container({ envFrom: [{ configMapRef: { name: 'gone', optional: true } }] });
    await expect(resolveEnv(optional, pod, addresses, lookups)).resolves.toEqual({});
  });

  it('names an unsupported fieldRef', async () => {
    const spec = container({ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.weird' } } }] });
    await expect(resolveEnv(spec, pod, addresses, lookups)).rejects.toThrow(
      'fieldRef "spec.weird" is not supported'
    );
  });
});

describe('container ports', () => {
  const spec = container({
    ports: [
      { name: 'http', containerPort: 8080 },
      { name: 'dns', containerPort: 53, protocol: 'UDP' }
    ],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    livenessProbe: { tcpSocket: { port: 9000 } },
    startupProbe: { httpGet: { path: '/x', port: 'missing' } }
  });

  it('resolves numbers, numeric strings and names, and names a missing port', () => {
    expect(resolveContainerPort(spec, 'http')).toBe(8080);
    expect(resolveContainerPort(spec, '81')).toBe(81);
    expect(() => resolveContainerPort(spec, 'missing')).toThrow('container "web": no port named "missing"');
  });

  it('serves declared TCP ports, probe ports and $PORT, each once', () => {
    expect(portsToServe(spec, { PORT: '8080' })).toEqual([8080, 9000]);
    expect(portsToServe(spec, { PORT: '7000' })).toEqual([7000, 8080, 9000]);
  });
});
