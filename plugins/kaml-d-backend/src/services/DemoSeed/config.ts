import { Config } from '@backstage/config';

/** `kamlD.demo.seed`: demo content the embedded portal loads at start. */
export interface DemoSeedConfig {
  /** The seed description written by scripts/demo-data/models.ts. */
  file: string;
}

/**
 * Reads `kamlD.demo.seed`; undefined unless `enabled` is true (the default is off, and the
 * production configuration sets it off explicitly). Fails fast, naming the key, when the seed is
 * enabled without a file.
 */
export function readDemoSeedConfig(root: Config): DemoSeedConfig | undefined {
  const seed = root.getOptionalConfig('kamlD.demo.seed');
  if (!seed?.getOptionalBoolean('enabled')) return undefined;
  const file = seed.getOptionalString('file');
  if (!file) {
    throw new Error(
      'kamlD.demo.seed.enabled is true but kamlD.demo.seed.file is not set; point it at the file scripts/demo-data/models.ts writes, or set enabled to false',
    );
  }
  return { file };
}
