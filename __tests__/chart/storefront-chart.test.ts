// charts/storefront under the real Helm 3 and Helm 4: lint, every routing preset at weights 0/20/100,
// monitoring switches, schema failures, and every rendered object checked against its API schema.
import { describe, expect, it } from '@jest/globals';
import {
  NAMESPACE,
  canarySets,
  chartDir,
  helm,
  kinds,
  matchesSelector,
  only,
  template,
  type K8sObject
} from './helm.js';
import { validateObject } from './validate.js';

const WEIGHTS = [0, 20, 100];
const MONITORING_ON = [
  '--set',
  'metrics.podMonitor.enabled=true',
  '--set',
  'metrics.serviceMonitor.enabled=true',
  '--set',
  'metrics.prometheusRule.enabled=true',
  '--set',
  'metrics.dashboard.enabled=true'
];
const NGINX = 'nginx.ingress.kubernetes.io/';

function podLabels(objects: K8sObject[]): Record<string, string> {
  return only(objects, 'Deployment').spec.template.metadata.labels;
}

function env(objects: K8sObject[]): Record<string, string> {
  const container = only(objects, 'Deployment').spec.template.spec.containers[0];
  return Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
}

describe.each([3, 4] as const)('charts/storefront with Helm %i', (major) => {
  it('passes helm lint, for the stable defaults and for a canary of each preset', async () => {
    const stable = await helm(major, ['lint', chartDir]);
    expect(stable.code).toBe(0);
    expect(stable.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    for (const routing of ['ingress-nginx', 'gateway-api', 'istio', 'replicas']) {
      const canary = await helm(major, ['lint', chartDir, ...canarySets(routing, 20), ...MONITORING_ON]);
      expect(canary.code).toBe(0);
    }
  });

  it('renders the stable release per the contract: labels, env, probes, security, drain, scraping', async () => {
    const objects = await template(major, 'shop', ['--set-string', 'image.tag=2.4.1']);
    expect(kinds(objects)).toEqual(['Deployment', 'Ingress', 'Service']);
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template;
    expect(pod.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'storefront',
      'app.kubernetes.io/instance': 'shop',
      release: 'shop',
      track: 'stable'
    });
    expect(pod.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics'
    });
    expect(env(objects)).toMatchObject({
      PORT: '8080',
      APP_VERSION: '2.4.1',
      RELEASE: 'shop',
      TRACK: 'stable',
      FAULT_ERROR_RATE: '0',
      FAULT_LATENCY_MS: '0',
      FAULT_LATENCY_FRACTION: '1',
      FAULT_CHECKOUT_FAILURE_RATE: '0',
      FAULT_CRASH_AFTER_SECONDS: '0'
    });
    const container = pod.spec.containers[0];
    expect(container.image).toBe('upcommerce/storefront:2.4.1');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    expect(container.resources.requests).toEqual({ cpu: '50m', memory: '64Mi' });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }
    });
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(30);

    const service = only(objects, 'Service');
    expect(service.spec.ports[0]).toMatchObject({ port: 80, targetPort: 'http' });
    expect(matchesSelector(service.spec.selector, pod.metadata.labels)).toBe(true);
    const ingress = only(objects, 'Ingress');
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.rules[0].host).toBe('storefront.example.com');
    expect(ingress.spec.rules[0].http.paths[0]).toMatchObject({
      path: '/',
      backend: { service: { name: 'shop', port: { name: 'http' } } }
    });
  });

  it('passes fault values through to the container environment', async () => {
    const objects = await template(major, 'shop-canary', [
      ...canarySets('ingress-nginx', 20),
      '--set',
      'faults.errorRate=0.25',
      '--set',
      'faults.latencyMs=400',
      '--set',
      'faults.latencyFraction=0.5',
      '--set',
      'faults.checkoutFailureRate=0.3',
      '--set',
      'faults.crashAfterSeconds=90'
    ]);
    expect(env(objects)).toMatchObject({
      RELEASE: 'shop-canary',
      TRACK: 'canary',
      FAULT_ERROR_RATE: '0.25',
      FAULT_LATENCY_MS: '400',
      FAULT_LATENCY_FRACTION: '0.5',
      FAULT_CHECKOUT_FAILURE_RATE: '0.3',
      FAULT_CRASH_AFTER_SECONDS: '90'
    });
  });

  describe.each(WEIGHTS)('at weight %i', (weight) => {
    it('ingress-nginx: the canary Ingress shares host and path and carries the canary annotations', async () => {
      const objects = await template(major, 'shop-canary', [
        ...canarySets('ingress-nginx', weight),
        '--set-string',
        'canary.cookie=beta-tester',
        '--set-string',
        'ingress.annotations.cert-manager\\.io/cluster-issuer=letsencrypt'
      ]);
      expect(kinds(objects)).toEqual(['Deployment', 'Ingress', 'Service']);
      const ingress = only(objects, 'Ingress');
      expect(ingress.metadata.annotations).toEqual({
        'cert-manager.io/cluster-issuer': 'letsencrypt',
        [`${NGINX}canary`]: 'true',
        [`${NGINX}canary-weight`]: String(weight),
        [`${NGINX}canary-by-header`]: 'X-Canary',
        [`${NGINX}canary-by-header-value`]: 'always',
        [`${NGINX}canary-by-cookie`]: 'beta-tester'
      });
      expect(ingress.spec.rules[0].host).toBe('storefront.example.com');
      expect(ingress.spec.rules[0].http.paths[0].path).toBe('/');
      expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('shop-canary');
      expect(only(objects, 'Deployment').spec.replicas).toBe(2);
      expect(podLabels(objects)).toMatchObject({
        'app.kubernetes.io/instance': 'shop-canary',
        release: 'shop-canary',
        track: 'canary'
      });
    });

    it('gateway-api: one HTTPRoute, weights 100-w and w summing to 100, header rule to the canary', async () => {
      const objects = await template(major, 'shop-canary', canarySets('gateway-api', weight));
      expect(kinds(objects)).toEqual(['Deployment', 'HTTPRoute', 'Service']);
      const route = only(objects, 'HTTPRoute');
      expect(route.metadata.name).toBe('shop-canary');
      expect(route.spec.hostnames).toEqual(['storefront.example.com']);
      expect(route.spec.parentRefs).toEqual([{ name: 'gateway' }]);
      const [byHeader, weighted] = route.spec.rules;
      expect(byHeader.matches[0].headers).toEqual([{ type: 'Exact', name: 'X-Canary', value: 'always' }]);
      expect(byHeader.backendRefs).toEqual([{ name: 'shop-canary', port: 80 }]);
      expect(weighted.backendRefs).toEqual([
        { name: 'shop', port: 80, weight: 100 - weight },
        { name: 'shop-canary', port: 80, weight }
      ]);
      expect(weighted.backendRefs.reduce((sum: number, ref: { weight: number }) => sum + ref.weight, 0)).toBe(
        100
      );
      // Every weighted match names a method, which outranks the stable route's path-only match.
      expect(weighted.matches.map((m: { method: string }) => m.method)).toEqual(
        expect.arrayContaining(['GET', 'HEAD', 'POST'])
      );
      for (const match of weighted.matches) expect(match.path).toEqual({ type: 'PathPrefix', value: '/' });
    });

    it('istio: one VirtualService for the stable host, weights summing to 100, header match first', async () => {
      const objects = await template(major, 'shop-canary', canarySets('istio', weight));
      expect(kinds(objects)).toEqual(['Deployment', 'Service', 'VirtualService']);
      const vs = only(objects, 'VirtualService');
      expect(vs.spec.hosts).toEqual([`shop.${NAMESPACE}.svc.cluster.local`]);
      const [byHeader, weighted] = vs.spec.http;
      expect(byHeader.match).toEqual([{ headers: { 'x-canary': { exact: 'always' } } }]);
      expect(byHeader.route[0].destination.host).toBe(`shop-canary.${NAMESPACE}.svc.cluster.local`);
      expect(weighted.route.map((r: any) => [r.destination.host, r.weight])).toEqual([
        [`shop.${NAMESPACE}.svc.cluster.local`, 100 - weight],
        [`shop-canary.${NAMESPACE}.svc.cluster.local`, weight]
      ]);
      expect(weighted.route.reduce((sum: number, r: { weight: number }) => sum + r.weight, 0)).toBe(100);
    });

    it('replicas: canary pods join the stable Service with a replica count that approximates the weight', async () => {
      const canary = await template(major, 'shop-canary', canarySets('replicas', weight));
      const stable = await template(major, 'shop', []);
      expect(kinds(canary)).toEqual(['Deployment', 'Service']);
      const expected = { 0: 0, 20: 1, 100: 10 }[weight];
      expect(only(canary, 'Deployment').spec.replicas).toBe(expected);
      const canaryPod = podLabels(canary);
      expect(canaryPod).toMatchObject({ release: 'shop-canary', track: 'canary' });
      // The stable Service reaches canary pods; the two Deployments never select each other's pods.
      expect(matchesSelector(only(stable, 'Service').spec.selector, canaryPod)).toBe(true);
      expect(matchesSelector(only(stable, 'Deployment').spec.selector.matchLabels, canaryPod)).toBe(false);
      expect(matchesSelector(only(canary, 'Deployment').spec.selector.matchLabels, podLabels(stable))).toBe(
        false
      );
    });
  });

  it('replicas: follows round(s*w/(100-w)) clamped to [1, maxReplicas] for other stable sizes', async () => {
    const count = async (w: number, s: number) =>
      only(
        await template(major, 'shop-canary', [...canarySets('replicas', w), '--set', `replicaCount=${s}`]),
        'Deployment'
      ).spec.replicas;
    expect(await count(50, 4)).toBe(4);
    expect(await count(25, 6)).toBe(2);
    expect(await count(90, 3)).toBe(10);
    expect(await count(5, 2)).toBe(1);
  });

  it('adds cookie targeting and sticky canary sessions for istio, and the DestinationRule affinity', async () => {
    const objects = await template(major, 'shop-canary', [
      ...canarySets('istio', 30),
      '--set-string',
      'canary.cookie=beta-tester',
      '--set',
      'istio.stickyCanary=true',
      '--set',
      'istio.destinationRule.enabled=true',
      '--set',
      'istio.gateways={istio-system/public}'
    ]);
    const vs = only(objects, 'VirtualService');
    expect(vs.spec.gateways).toEqual(['istio-system/public']);
    expect(vs.spec.hosts).toEqual([`shop.${NAMESPACE}.svc.cluster.local`, 'storefront.example.com']);
    const byCookie = vs.spec.http.find((r: { name: string }) => r.name === 'canary-by-cookie');
    expect(
      new RegExp(byCookie.match[0].headers.cookie.regex).test('sf_session=abc; beta-tester=always')
    ).toBe(true);
    expect(new RegExp(byCookie.match[0].headers.cookie.regex).test('beta-tester=never')).toBe(false);
    const weighted = vs.spec.http.find((r: { name: string }) => r.name === 'weighted');
    expect(weighted.route[1].headers.response.add['Set-Cookie']).toBe(
      'beta-tester=always; Path=/; Max-Age=86400'
    );
    const rule = only(objects, 'DestinationRule');
    expect(rule.spec.host).toBe(`shop-canary.${NAMESPACE}.svc.cluster.local`);
    expect(rule.spec.trafficPolicy.loadBalancer.consistentHash.httpCookie).toMatchObject({
      name: 'sf_affinity'
    });
  });

  it('renders a plain HTTPRoute for the stable release when httpRoute.enabled', async () => {
    const route = only(await template(major, 'shop', ['--set', 'httpRoute.enabled=true']), 'HTTPRoute');
    expect(route.metadata.name).toBe('shop');
    expect(route.spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'shop', port: 80 }] }
    ]);
    // The canary release of the same values renders no second route for the host (routing: gateway-api
    // edits stable's), and neither does a canary that names its stable release.
    expect(kinds(await template(major, 'shop-canary', ['--set', 'httpRoute.enabled=true']))).not.toContain(
      'HTTPRoute'
    );
    expect(
      kinds(
        await template(major, 'next', [
          '--set',
          'httpRoute.enabled=true',
          '--set',
          'canary.stableRelease=shop'
        ])
      )
    ).not.toContain('HTTPRoute');
  });

  it('switches monitoring on: monitors keep release and track, alerts compare canary to stable', async () => {
    const canary = await template(major, 'shop-canary', [
      ...canarySets('ingress-nginx', 20),
      ...MONITORING_ON
    ]);
    expect(kinds(canary)).toEqual([
      'Deployment',
      'Ingress',
      'PodMonitor',
      'PrometheusRule',
      'Service',
      'ServiceMonitor'
    ]);
    expect(only(canary, 'PodMonitor').spec.podTargetLabels).toEqual(['release', 'track']);
    expect(only(canary, 'PodMonitor').spec.selector.matchLabels).toMatchObject({ release: 'shop-canary' });
    expect(only(canary, 'ServiceMonitor').spec.endpoints[0].relabelings[0]).toMatchObject({
      regex: 'shop-canary'
    });
    const rules = only(canary, 'PrometheusRule').spec.groups[0].rules;
    expect(rules.map((r: { alert: string }) => r.alert)).toEqual([
      'StorefrontCanaryHighErrorRate',
      'StorefrontCanaryHighLatencyP95',
      'StorefrontCanaryConversionDrop'
    ]);
    const canarySel = `namespace="${NAMESPACE}",release="shop-canary"`;
    expect(rules[0].expr).toContain(`http_requests_total{${canarySel},code=~"5.."}`);
    expect(rules[0].expr).toContain('> 0.05');
    expect(rules[1].expr).toContain(`http_request_duration_seconds_bucket{${canarySel}}`);
    expect(rules[2].expr).toContain(`storefront_checkouts_total{namespace="${NAMESPACE}",release="shop"}`);
    expect(rules[2].expr).toContain('< 0.8 *');
    expect(rules[0].annotations.description).toContain('{{ $value | humanizePercentage }}');

    const stable = await template(major, 'shop', MONITORING_ON);
    expect(kinds(stable)).toEqual([
      'ConfigMap',
      'Deployment',
      'Ingress',
      'PodMonitor',
      'Service',
      'ServiceMonitor'
    ]);
    const dashboard = only(stable, 'ConfigMap');
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    const json = JSON.parse(dashboard.data!['storefront-canary.json']);
    expect(json.panels.map((p: { title: string }) => p.title)).toEqual([
      'Request rate',
      'Error rate (5xx share)',
      'p95 latency',
      'Conversion (checkouts / sessions)'
    ]);
    for (const panel of json.panels) {
      expect(panel.targets.map((t: { legendFormat: string }) => t.legendFormat)).toEqual([
        'stable',
        'canary'
      ]);
      expect(panel.targets[1].expr).toContain('release="${release}-canary"');
    }
  });

  it('drops the fixed replica count under an HPA, except for a replicas-preset canary', async () => {
    const hpa = await template(major, 'shop', ['--set', 'autoscaling.enabled=true']);
    expect(only(hpa, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(only(hpa, 'Deployment').spec.replicas).toBeUndefined();
    const replicas = await template(major, 'shop-canary', [
      ...canarySets('replicas', 50),
      '--set',
      'autoscaling.enabled=true'
    ]);
    expect(kinds(replicas)).toEqual(['Deployment', 'Service']);
    expect(only(replicas, 'Deployment').spec.replicas).toBe(2);
  });

  it.each([
    [['--set', 'canary.weight=150'], /canary[./]weight/],
    [['--set', 'canary.routing=bogus'], /canary[./]routing/],
    [['--set', 'faults.errorRate=1.5'], /faults[./]errorRate/],
    [['--set', 'faults.checkoutFailureRate=-0.1'], /faults[./]checkoutFailureRate/]
  ])('rejects bad values through values.schema.json: %j', async (sets, mention) => {
    const result = await helm(major, ['template', 'shop', chartDir, ...sets]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/schema/);
    expect(result.stderr).toMatch(mention);
  });

  it('renders only objects that pass their Kubernetes API and CRD schemas, across presets and switches', async () => {
    const everything = [
      '--set',
      'autoscaling.enabled=true',
      '--set',
      'httpRoute.enabled=true',
      '--set',
      'istio.destinationRule.enabled=true',
      '--set-string',
      'canary.cookie=beta-tester',
      '--set',
      'istio.stickyCanary=true',
      ...MONITORING_ON
    ];
    const renders = [await template(major, 'shop', everything)];
    for (const routing of ['ingress-nginx', 'gateway-api', 'istio', 'replicas']) {
      for (const weight of WEIGHTS) {
        renders.push(await template(major, 'shop-canary', [...canarySets(routing, weight), ...everything]));
      }
    }
    const seen = new Set<string>();
    for (const object of renders.flat()) {
      expect(() => validateObject(object)).not.toThrow();
      seen.add(object.kind);
    }
    expect([...seen].sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'DestinationRule',
      'HTTPRoute',
      'HorizontalPodAutoscaler',
      'Ingress',
      'PodMonitor',
      'PrometheusRule',
      'Service',
      'ServiceMonitor',
      'VirtualService'
    ]);
  });

  it('has a schema check that really fails on a broken object', async () => {
    const deployment = only(await template(major, 'shop'), 'Deployment');
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validateObject(deployment)).toThrow(
      /Deployment shop is invalid: .*containerPort must be integer/
    );
  });
});
