// Templating each arm's names into the users' PromQL. The values land inside double-quoted string
// literals (`release="{{release}}"`, `pod=~"{{pods}}"`), so they are escaped for exactly that context.
// Values meant for `=~` matchers (`{{pods}}`, `{{nginx-canary}}`, `{{traefik-service}}`) are regexes
// that the metric source built with every name in them regex-escaped first.

import type { MetricSpec } from '../config/spec.js';

/** The query templates a metric reads, for both arms. */
export function templatesOf(metric: MetricSpec): string[] {
  switch (metric.kind) {
    case 'errors':
      return [metric.bad, metric.total];
    case 'ratio':
      return [metric.numerator, metric.denominator];
    case 'latency':
      return [metric.buckets];
  }
}

const PLACEHOLDER = /\{\{([^}]*)\}\}/g;

/**
 * Every placeholder a query may hold. `release` and `namespace` are always known; the others are filled
 * from the release's objects (see src/metrics-source/arm-names.ts), and only when a query uses them.
 */
export const ARM_PLACEHOLDERS = [
  'release',
  'namespace',
  /** The arm's pod names, as an anchored regex (Deployment pods are `<deployment>-<hash>-<suffix>`). */
  'pods',
  /** The arm's Deployment. */
  'workload',
  /** The arm's Service. */
  'service',
  /** Stable's Ingress (ingress-nginx counts canary traffic under the main Ingress). */
  'ingress',
  /** ingress-nginx's `canary` label: empty for stable, the canary upstream for the canary. */
  'nginx-canary',
  /** The Traefik service that carries the arm's traffic, as a regex. */
  'traefik-service'
] as const;
export type ArmPlaceholder = (typeof ARM_PLACEHOLDERS)[number];

/** Escape a label value for a double-quoted PromQL string literal. */
export function escapePromqlString(value: string): string {
  return value.replace(/[\\"\n\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** The arm's values: release and namespace always, the rest where the metric source resolved them. */
export type QueryArm = { release: string; namespace: string } & Partial<Record<ArmPlaceholder, string>>;

/** The placeholders a template uses (for resolving only what is needed). */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1].trim());
}

/** Replace every placeholder, escaped; an unknown one, or one without a value, is a mistake. */
export function renderQuery(template: string, arm: QueryArm): string {
  return template.replace(PLACEHOLDER, (token, name: string) => {
    const key = name.trim();
    if (!(ARM_PLACEHOLDERS as readonly string[]).includes(key)) {
      throw new Error(
        `query ${JSON.stringify(template)}: unknown placeholder ${token}; expected one of ${ARM_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`
      );
    }
    const value = arm[key as ArmPlaceholder];
    if (value === undefined) {
      throw new Error(`query ${JSON.stringify(template)}: no value for ${token} (nothing resolved it)`);
    }
    return escapePromqlString(value);
  });
}
