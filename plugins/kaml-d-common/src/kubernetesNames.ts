/*
 * Kubernetes name rules, checked once for every KAML-D package: values that name objects or go
 * into label selectors are validated against these before they reach the API server, so a
 * user-supplied value can never alter a selector or a path.
 */

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Whether `value` is a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting
 * and ending with a letter or digit (namespaces, and names of Jobs, Deployments, claims).
 *
 * @public
 */
export function isDnsLabel(value: string): boolean {
  return DNS_1123_LABEL.test(value);
}

/**
 * Whether `value` is a valid Kubernetes object name (DNS-1123 subdomain: labels joined by '.',
 * at most 253 characters).
 *
 * @public
 */
export function isKubernetesName(value: string): boolean {
  return DNS_1123_SUBDOMAIN.test(value);
}

/**
 * Whether `value` is a valid label value (empty, or at most 63 letters, digits, '-', '_' and
 * '.', starting and ending with a letter or digit).
 *
 * @public
 */
export function isLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}
