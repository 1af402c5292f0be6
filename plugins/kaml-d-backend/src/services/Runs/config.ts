import { readFileSync } from 'node:fs';
import { Config } from '@backstage/config';
import { RunsClusterConfig } from './types';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function namespaceAt(config: Config, key: string, fallback: string): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!NAMESPACE.test(value)) {
    throw new Error(
      `kamlD.kubernetes.${key} "${value}" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`,
    );
  }
  return value;
}

/**
 * Reads `kamlD.kubernetes` (the block the scaffolder actions use, so the tabs read where the
 * actions write); undefined when absent, and the Runs route then answers that it is not set.
 */
export function readRunsConfig(root: Config): RunsClusterConfig | undefined {
  const config = root.getOptionalConfig('kamlD.kubernetes');
  if (!config) return undefined;
  const caFile = config.getOptionalString('caFile');
  let caData = config.getOptionalString('caData');
  if (caFile) caData = readFileSync(caFile, 'utf8');
  else if (caData && !caData.includes('-----BEGIN')) {
    caData = Buffer.from(caData, 'base64').toString('utf8');
  }
  return {
    url: config.getString('url'),
    token: config.getString('token'),
    caData,
    trainingNamespace: namespaceAt(
      config,
      'trainingNamespace',
      'kaml-d-training',
    ),
    modelsNamespace: namespaceAt(config, 'modelsNamespace', 'kaml-d-models'),
  };
}
