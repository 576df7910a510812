// The preflight: everything that can be known before the cluster changes, checked in one pass so the
// table shows every problem at once. It only reads. Each check that fails adds a named error; a check
// that could not read what it needs says so, and counts as an error too (no data is never health).
import type { RolloutSpec } from '../config/spec.js';
import { errorMessage } from '../error-message.js';
import { checkCollisions } from './collisions.js';
import { parseManifest, type ManifestObject } from './manifest.js';
import { checkMetrics } from './metrics-check.js';
import { checkRender } from './render-check.js';
import {
  PreflightError,
  type PreflightDeps,
  type PreflightLine,
  type PreflightResult,
  type StableFinding
} from './types.js';

type PreflightSpec = Pick<
  RolloutSpec,
  'release' | 'canaryRelease' | 'namespace' | 'steps' | 'analysis' | 'routing'
>;

export async function runPreflight(spec: PreflightSpec, deps: PreflightDeps): Promise<PreflightResult> {
  const lines: PreflightLine[] = [];
  const errors: PreflightError[] = [];
  const weight = spec.steps.find((w) => w > 0) ?? 100;
  /** Runs one check; a read that fails becomes that check's error line. */
  const attempt = async <T>(
    check: string,
    subject: string,
    work: () => Promise<T>
  ): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      const failure =
        error instanceof PreflightError
          ? error
          : new PreflightError('preflight-read-failed', `${check}: ${errorMessage(error)}`);
      errors.push(failure);
      lines.push({ check, subject, status: 'fail', detail: failure.message, code: failure.code });
      return undefined;
    }
  };

  // Stable: a first release is not an error here (the first-release decision reads `stable`).
  const stable: StableFinding = { exists: false, deployed: false };
  await attempt('stable', spec.release, async () => {
    const state = await deps.helm.stableState();
    Object.assign(stable, {
      exists: state.exists,
      status: state.status,
      deployed: state.exists && state.status === 'deployed',
      version: state.version
    });
    if (!state.exists) {
      lines.push({
        check: 'stable',
        subject: spec.release,
        status: 'warn',
        detail: 'not installed: a first release'
      });
    } else if (!stable.deployed) {
      throw new PreflightError(
        'stable-not-deployed',
        `stable ${spec.release} is ${state.status ?? 'in an unknown state'}, not deployed: fix it first (\`helm history ${spec.release}\`, then \`helm rollback\` or a new upgrade), so the canary has a stable release to be compared with and promoted over.`
      );
    } else {
      lines.push({
        check: 'stable',
        subject: spec.release,
        status: 'ok',
        detail: `deployed${state.revision ? `, revision ${state.revision}` : ''}${state.version ? `, version ${state.version}` : ''}`
      });
    }
  });

  // Render (server-side dry run), then what the render shows: collisions and routing.
  const render = await attempt('render', spec.canaryRelease, () =>
    checkRender(deps.helm, spec.canaryRelease, weight)
  );
  if (render) {
    lines.push(...render.lines);
    errors.push(...render.errors);
  }
  const objects = render?.objects;
  if (!objects) {
    lines.push({
      check: 'collisions',
      subject: spec.canaryRelease,
      status: 'skip',
      detail: 'the chart did not render'
    });
  } else {
    await attempt('collisions', spec.canaryRelease, async () => {
      const [scoped, manifest] = await Promise.all([
        deps.cluster.clusterScopedKinds(),
        stable.exists ? deps.helm.stableManifest() : Promise.resolve(undefined)
      ]);
      const found = checkCollisions({
        canary: objects,
        stable: manifest === undefined ? undefined : parseManifest(manifest),
        namespace: spec.namespace,
        canaryRelease: spec.canaryRelease,
        release: spec.release,
        clusterScopedKinds: scoped
      });
      if (render.ownedElsewhere && found.errors.some((e) => e.code === 'release-objects-collide')) {
        // The comparison with stable names the objects; Helm's own message about them is the same finding.
        const helmFinding = render.errors.find((e) => e.code === 'release-objects-collide');
        errors.splice(errors.indexOf(helmFinding!), 1);
      }
      lines.push(...found.lines);
      errors.push(...found.errors);
    });
  }

  const router = deps.router;
  if (!router.preflight) {
    lines.push({
      check: 'routing',
      subject: router.preset,
      status: 'skip',
      detail: `not checked: the ${router.preset} router has no preflight`
    });
  } else if (!objects) {
    lines.push({
      check: 'routing',
      subject: router.preset,
      status: 'skip',
      detail: 'the chart did not render'
    });
  } else {
    const rendered = new Map<number, Promise<ManifestObject[]>>([[weight, Promise.resolve(objects)]]);
    const renderAt = (w: number): Promise<ManifestObject[]> => {
      if (!rendered.has(w)) {
        rendered.set(
          w,
          deps.helm.renderCanary(w).then(parseManifest, () => deps.helm.templateCanary(w).then(parseManifest))
        );
      }
      return rendered.get(w)!;
    };
    await attempt('routing', router.preset, async () => {
      const verdict = await router.preflight!({
        weight,
        stableExists: stable.exists,
        renderCanary: renderAt
      });
      if (!verdict.ok) throw new PreflightError(verdict.code ?? 'routing-has-no-effect', verdict.detail);
      lines.push({ check: 'routing', subject: router.preset, status: 'ok', detail: verdict.detail });
    });
  }

  let analysis = spec.analysis;
  let droppedMetrics: string[] = [];
  if (!stable.exists) {
    lines.push({
      check: 'metrics',
      subject: 'all',
      status: 'skip',
      detail: `no stable ${spec.release} to read`
    });
  } else {
    await attempt('metrics', 'all', async () => {
      const found = await checkMetrics({
        analysis: spec.analysis,
        release: spec.release,
        namespace: spec.namespace,
        provider: deps.metrics,
        stableArm: await deps.stableArm?.(),
        now: deps.now()
      });
      lines.push(...found.lines);
      errors.push(...found.errors);
      analysis = found.analysis;
      droppedMetrics = found.dropped;
    });
  }

  return { ok: errors.length === 0, lines, errors, stable, analysis, droppedMetrics };
}

/** "Preflight: 2 problems before anything changed: [status-label-missing] ...; [...] ...". */
export function preflightReason(result: PreflightResult): string {
  const n = result.errors.length;
  const list = result.errors.map((e) => `[${e.code}] ${e.message.replace(/\.$/, '')}`).join('; ');
  return `Preflight found ${n} problem${n === 1 ? '' : 's'} before anything changed: ${list}. Nothing was changed.`;
}
