// Pod names of a Deployment: `<deployment>-<pod-template-hash>-<suffix>`, the hash up to 10 and the
// suffix 5 characters of [a-z0-9]. Prometheus anchors regex matchers at both ends, and neither part
// may hold a `-`, so stable's pattern (`storefront-…-…`) cannot match the canary's pods
// (`storefront-canary-…-…`): those have one more dash-separated part.
import { escapeRegex } from './regex.js';

export function podNamePattern(deployment: string): string {
  return `${escapeRegex(deployment)}-[a-z0-9]{1,10}-[a-z0-9]{5}`;
}
