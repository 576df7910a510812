// Kubernetes and Helm names: releases and namespaces are DNS-1123 labels. Helm caps release names
// at 53 characters, and the canary release adds `-canary` to the stable one.
import { expectedError } from './errors.js';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const HELM_RELEASE_MAX = 53;
export const CANARY_SUFFIX = '-canary';

export function parseReleaseName(text: string, where: string, maxLength = HELM_RELEASE_MAX): string {
  const name = text.trim();
  if (!DNS_1123_LABEL.test(name)) {
    throw expectedError(
      where,
      'a Helm release name: lowercase letters, digits and -, starting and ending with a letter or digit',
      name
    );
  }
  if (name.length > maxLength) {
    throw expectedError(where, `a release name of at most ${maxLength} characters`, name);
  }
  return name;
}

/** The stable release: short enough that `<release>-canary` still fits Helm's limit. */
export function parseStableRelease(text: string, where: string, hasCustomCanaryName: boolean): string {
  const limit = hasCustomCanaryName ? HELM_RELEASE_MAX : HELM_RELEASE_MAX - CANARY_SUFFIX.length;
  const name = parseReleaseName(text, where);
  if (name.length > limit) {
    throw expectedError(
      where,
      `at most ${limit} characters, so that "${name}${CANARY_SUFFIX}" fits Helm's ${HELM_RELEASE_MAX}-character limit (or set canary-release)`,
      name
    );
  }
  return name;
}

export function parseNamespace(text: string, where: string): string {
  const name = text.trim();
  if (!DNS_1123_LABEL.test(name) || name.length > 63) {
    throw expectedError(
      where,
      'a Kubernetes namespace: lowercase letters, digits and -, at most 63 characters',
      name
    );
  }
  return name;
}

/**
 * A context of the runner's kubeconfig. Names are free-form in kubeconfig, but the ones clusters get
 * (kind-x, gke_project_zone_name, arn:aws:eks:region:account:cluster/name, user@cluster) use only these.
 */
const KUBE_CONTEXT = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;

export function parseKubeContext(text: string, where: string): string {
  const name = text.trim();
  if (!KUBE_CONTEXT.test(name) || name.length > 253) {
    throw expectedError(
      where,
      'a context of the kubeconfig: letters, digits and . _ : @ / -, starting with a letter or digit',
      name
    );
  }
  return name;
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The name of a namespaced Kubernetes object, e.g. an HTTPRoute: a DNS-1123 subdomain. */
export function parseObjectName(text: string, where: string): string {
  const name = text.trim();
  if (!DNS_1123_SUBDOMAIN.test(name) || name.length > 253) {
    throw expectedError(
      where,
      'a Kubernetes object name: lowercase letters, digits, - and ., starting and ending with a letter or digit',
      name
    );
  }
  return name;
}
