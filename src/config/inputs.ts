// The action's inputs and outputs, as action.yml declares them. __tests__/action-yml checks that
// this list, action.yml and the README's table agree, so a new input is added in all three places.

/** Every input with its default (`undefined`: no default). Defaults are applied here too, so local runs and tests behave as on a runner. */
export const INPUT_DEFAULTS = {
  release: undefined,
  group: undefined,
  chart: undefined,
  'chart-version': undefined,
  namespace: 'default',
  'kube-context': undefined,
  values: undefined,
  set: undefined,
  version: undefined,
  'version-key': 'image.tag',
  'canary-release': undefined,
  steps: '20',
  soak: '10m',
  interval: '30s',
  routing: 'ingress-nginx',
  route: undefined,
  'weight-values': undefined,
  'prometheus-url': undefined,
  'prometheus-headers': undefined,
  config: undefined,
  analysis: undefined,
  // No default here: `app` applies unless the analysis YAML's `metrics-source` says otherwise.
  'metrics-source': undefined,
  'max-error-rate': '5%',
  'max-latency-p95': '1000ms',
  'min-conversion-rate': undefined,
  judge: 'sequential',
  alpha: '0.05',
  'min-canary-requests': '50',
  'max-extra-soak': '5m',
  'no-data': 'fail',
  'strict-pass': 'false',
  'helm-timeout': '5m',
  // action.yml defaults it to `${{ github.token }}`; the runner fills it in, so code has no default.
  'github-token': undefined,
  'dry-run': 'false',
  'check-name': undefined,
  'slack-webhook-url': undefined,
  'webhook-url': undefined,
  command: 'deploy',
  decision: 'auto',
  'manual-gate': 'every-step',
  replace: 'false',
  'first-release': 'install'
} as const satisfies Record<string, string | undefined>;

export type InputName = keyof typeof INPUT_DEFAULTS;
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];

/** Inputs whose values are credentials: masked, and never echoed in error messages. */
export const SECRET_INPUTS: readonly InputName[] = [
  'prometheus-headers',
  'github-token',
  'slack-webhook-url',
  'webhook-url'
];

/** Outputs main.ts sets (declared in action.yml). */
export const OUTPUT_NAMES = [
  'decision',
  'reason',
  'final-weight',
  'report',
  'check-run-id',
  'check-run-url',
  'status',
  'canary-version',
  'canary-weight',
  'canary-age-seconds',
  'previous-version',
  'previous-revision',
  'releases'
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];
