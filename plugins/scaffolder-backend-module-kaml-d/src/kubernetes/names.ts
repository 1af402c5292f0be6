import { createHash } from 'node:crypto';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  isDnsLabel,
  isKubernetesName,
  isLabelValue,
} from '@kaml-d/plugin-kaml-d-common';

const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** Throws an InputError unless `value` is a DNS-1123 label (Kubernetes object and namespace names). */
export function assertDnsLabel(value: string, what: string): string {
  if (!isDnsLabel(value)) {
    throw new InputError(
      `${what} "${value}" is not a valid Kubernetes name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return value;
}

/**
 * Throws an InputError unless `value` is a DNS-1123 subdomain (names of most cluster objects,
 * such as training runtimes: lower-case labels joined by '.').
 */
export function assertDnsSubdomain(value: string, what: string): string {
  if (!isKubernetesName(value)) {
    throw new InputError(
      `${what} "${value}" is not a valid Kubernetes object name: use lower-case letters, digits, '-' and '.', at most 253, starting and ending with a letter or digit`,
    );
  }
  return value;
}

/** Throws an InputError unless `value` is a valid label value (so it cannot alter a selector). */
export function assertLabelValue(value: string, what: string): string {
  if (!isLabelValue(value)) {
    throw new InputError(
      `${what} "${value}" is not a valid Kubernetes label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
    );
  }
  return value;
}

function assertLabelKey(key: string): void {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  if (
    name.length > 63 ||
    !LABEL_KEY_NAME.test(name) ||
    (prefix !== undefined && !isKubernetesName(prefix))
  ) {
    throw new InputError(`"${key}" is not a valid Kubernetes label key`);
  }
}

/**
 * An equality label selector from a map. Keys and values are validated against the Kubernetes
 * label syntax first, so no value can smuggle `,`, `=`, `!` or a set expression into it.
 */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => {
      assertLabelKey(key);
      assertLabelValue(value, `label ${key}`);
      return `${key}=${value}`;
    })
    .join(',');
}

/** Throws an InputError unless `value` is a Kubernetes resource quantity such as `500m` or `4Gi`. */
export function assertQuantity(value: string, what: string): string {
  if (!QUANTITY.test(value)) {
    throw new InputError(
      `${what} "${value}" is not a Kubernetes quantity (such as 500m, 2, 512Mi or 4Gi)`,
    );
  }
  return value;
}

/**
 * The Model name from `model:default/churn-classifier`, `default/churn-classifier` or
 * `churn-classifier`, validated as a DNS-1123 label (it names Kubernetes objects and labels).
 */
export function modelNameOf(ref: string): string {
  let name: string;
  try {
    name = parseEntityRef(ref, {
      defaultKind: 'model',
      defaultNamespace: 'default',
    }).name;
  } catch (e) {
    throw new InputError(
      `model "${ref}" is not an entity reference: ${(e as Error).message}`,
    );
  }
  return assertDnsLabel(name, 'model name');
}

/**
 * A deterministic DNS-1123 name `<prefix>-<base>-<hash>` of at most `maxLength` (63) characters,
 * where hash is derived from `seed` (the task and step ids): a retried task computes the same name.
 */
export function deterministicName(
  prefix: string,
  base: string,
  seed: string,
  maxLength: number = 63,
): string {
  const hash = createHash('sha256').update(seed).digest('hex').slice(0, 10);
  const room = maxLength - prefix.length - hash.length - 2;
  const trimmed = base.slice(0, room).replace(/-+$/, '');
  return `${prefix}-${trimmed}-${hash}`;
}

/** The value of the task label: a hash of the task id (task ids are UUIDs, but labels are short). */
export function taskLabelValue(taskId: string): string {
  return `task-${createHash('sha256')
    .update(taskId)
    .digest('hex')
    .slice(0, 16)}`;
}
