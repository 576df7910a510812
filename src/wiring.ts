// Builds the real adapters (Helm CLI, Prometheus over HTTP, the judge, the reporters) for a spec.
// Shared by the main and post steps so both talk to the world the same way.
import * as core from '@actions/core';
import type { RolloutSpec } from './config/spec.js';
import { HelmDeployer } from './deploy/helm.js';
import { actionsExecRunner } from './deploy/command-runner.js';
import { PrometheusProvider } from './metrics/prometheus.js';
import { MetricSampler } from './metrics/sampler.js';
import { resolveArms } from './metrics-source/resolve-arms.js';
import { createJudge } from './judge/index.js';
import { createReporter, type CheckRunInfo, type Reporting } from './report/index.js';
import type { Deployer } from './deploy/types.js';
import type { Judge } from './judge/types.js';
import type { Sampler } from './rollout/ports.js';
import { createRouter } from './routing/index.js';
import { KubectlObjects } from './kube/kubectl.js';
import { helmInContext, kubectlInContext } from './kube/context.js';
import { systemClock } from './clock.js';
import { canaryIngressMode, hasIngressSwitch } from './routing/ingress-mode.js';
import { chartDefaultValues } from './deploy/chart-defaults.js';
import { errorMessage } from './error-message.js';
import type { TrafficRouter } from './routing/types.js';
import { HelmPreflight } from './deploy/helm-preflight.js';
import { KubectlApiResources } from './kube/api-resources.js';
import { runPreflight, type PreflightResult } from './preflight/index.js';
import { LeaseMarksStore } from './kube/lease-marks.js';
import type { MarksStore } from './rollout/marks-store.js';
import { routeSwitchesFor } from './routing/route-switch.js';

export interface Adapters {
  deployer: Deployer;
  router: TrafficRouter;
  /** The ownership marks, on a Lease beside the canary release (through the runner's kubectl). */
  marks: MarksStore;
  sampler: Sampler;
  judge: Judge;
  reporter: Reporting;
  /** The preflight of a deploy: Helm renders and reads, kubectl discovery, Prometheus queries. */
  preflight(spec: RolloutSpec): Promise<PreflightResult>;
  checkRun(): CheckRunInfo | undefined;
}

export async function createAdapters(
  inputSpec: RolloutSpec,
  saved: { checkRunId?: number } = {}
): Promise<Adapters> {
  const spec = await withCanaryRouteSwitches(await withCanaryIngress(inputSpec));
  // promote/rollback/status may come from a run that does not know the version: the deployer and
  // the commands read it back from the canary release where they need it.
  const helm = helmInContext(actionsExecRunner, spec.kubeContext);
  const kubectl = kubectlInContext(actionsExecRunner, spec.kubeContext);
  const deployer = new HelmDeployer(spec, helm, (line) => core.info(line));
  // One kubectl client for the router, the marks' Lease and everything else that reads or writes objects.
  const kube = new KubectlObjects(kubectl);
  await deployer.detect();
  const router = createRouter(spec, {
    chart: deployer,
    services: deployer,
    kube,
    sleep: (ms) => systemClock.sleep(ms),
    log: (line) => core.info(line)
  });
  const provider = new PrometheusProvider(
    {
      url: spec.prometheus.url,
      headers: spec.prometheus.headers,
      timeoutSeconds: spec.prometheus.timeoutSeconds
    },
    { log: (line: string) => core.warning(line) }
  );
  // `{{pods}}`, `{{service}}`... from what stable's release renders: read once, for the preflight and the sampler.
  let armValues: ReturnType<typeof resolveArms> | undefined;
  const arms = () => (armValues ??= resolveArms(spec, (release) => deployer.manifestObjects(release)));
  const sampler = new MetricSampler(provider, {
    release: spec.release,
    canaryRelease: spec.canaryRelease,
    namespace: spec.namespace,
    analysis: spec.analysis,
    armValues: arms
  });
  const reporter = createReporter({
    token: spec.githubToken,
    checkName: spec.checkName,
    checkRunId: saved.checkRunId,
    slackWebhookUrl: spec.slackWebhookUrl,
    webhookUrl: spec.webhookUrl
  });
  // The deployer only logs its reads in dry-run mode; the preflight's reads are real in every mode.
  const reader = new HelmDeployer({ ...spec, dryRun: false }, helm, (line) => core.info(line));
  const helmPreflight = new HelmPreflight(
    spec,
    helm,
    () => reader.stableState(),
    (line) => core.info(line)
  );
  const cluster = new KubectlApiResources(kubectl, (line) => core.warning(line));
  return {
    deployer,
    router,
    preflight: (checked) =>
      runPreflight(checked, {
        helm: helmPreflight,
        cluster,
        metrics: provider,
        router,
        stableArm: async () => (await arms()).stable,
        now: Date.now
      }),
    marks: new LeaseMarksStore(kube, spec.namespace, spec.canaryRelease),
    sampler,
    judge: createJudge(spec.judge),
    reporter,
    checkRun: () => reporter.checkRun()
  };
}

/** ingress-nginx: whether the chart exposes `ingress.annotations`, from its default values. */
async function withCanaryIngress(spec: RolloutSpec): Promise<RolloutSpec> {
  if (spec.routing !== 'ingress-nginx' || spec.chart === '') return spec;
  try {
    const defaults = await chartDefaultValues(actionsExecRunner, spec);
    const mode = canaryIngressMode(defaults);
    if (mode === 'chart') return { ...spec, canaryIngress: mode };
    core.info(`${spec.chart} has no ingress.annotations: the action creates the canary Ingress itself`);
    return { ...spec, canaryIngress: mode, canaryIngressSwitch: hasIngressSwitch(defaults) };
  } catch (error) {
    core.warning(`Could not read the default values of ${spec.chart}: ${errorMessage(error)}`);
    return spec;
  }
}

/** gateway-api/istio: the chart's switches for its own route, from its default values, set false on the canary. */
async function withCanaryRouteSwitches(spec: RolloutSpec): Promise<RolloutSpec> {
  if ((spec.routing !== 'gateway-api' && spec.routing !== 'istio') || spec.chart === '') return spec;
  try {
    const switches = routeSwitchesFor(spec.routing, await chartDefaultValues(actionsExecRunner, spec));
    if (switches.length > 0)
      core.info(
        `The canary release renders no route of its own: ${switches.map((k) => `${k}=false`).join(', ')}`
      );
    return { ...spec, canaryRouteSwitches: switches };
  } catch (error) {
    core.warning(`Could not read the default values of ${spec.chart}: ${errorMessage(error)}`);
    return spec;
  }
}
