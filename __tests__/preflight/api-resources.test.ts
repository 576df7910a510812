import { KubectlApiResources, KNOWN_CLUSTER_SCOPED_KINDS, parseKinds } from '../../src/kube/api-resources.js';

// `kubectl api-resources --namespaced=false --no-headers -o wide`, as kubectl 1.37 prints it on the sandbox.
const OUTPUT = `componentstatuses                   cs         v1                                false   ComponentStatus                    get,list
namespaces                          ns         v1                                false   Namespace                          create,delete,get,list,patch,update,watch
mutatingadmissionpolicies                      admissionregistration.k8s.io/v1   false   MutatingAdmissionPolicy            create,delete,deletecollection,get,list,patch,update,watch   api-extensions
gatewayclasses                      gc         gateway.networking.k8s.io/v1      false   GatewayClass                       delete,deletecollection,get,list,patch,create,update,watch
`;

describe('cluster-scoped kinds from kubectl', () => {
  it('reads the KIND column with or without short names', () => {
    expect([...parseKinds(OUTPUT)]).toEqual([
      'ComponentStatus',
      'Namespace',
      'MutatingAdmissionPolicy',
      'GatewayClass'
    ]);
  });

  it('falls back to the built-in list, with a line in the log, when kubectl fails', async () => {
    const log: string[] = [];
    const cluster = new KubectlApiResources(
      async () => ({ exitCode: 1, stdout: '', stderr: 'Unable to connect' }),
      (l) => log.push(l)
    );
    const kinds = await cluster.clusterScopedKinds();
    expect([...kinds]).toEqual(KNOWN_CLUSTER_SCOPED_KINDS);
    expect(log[0]).toMatch(/Unable to connect.*built-in list/);
  });

  it('passes argv, never a shell line', async () => {
    const calls: Array<[string, string[]]> = [];
    await new KubectlApiResources(
      async (file, args) => (calls.push([file, args]), { exitCode: 0, stdout: OUTPUT, stderr: '' }),
      () => {}
    ).clusterScopedKinds();
    expect(calls).toEqual([
      [
        'kubectl',
        ['api-resources', '--namespaced=false', '--no-headers', '-o', 'wide', '--request-timeout=30s']
      ]
    ]);
  });
});
