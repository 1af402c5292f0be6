import { InputError } from '@backstage/errors';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ALIAS_PATTERN } from '../ModelVersions/createModelVersionsService';

const entityRef = (kind: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${kind}:[a-z0-9][a-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$`),
      `must be a ${kind} entity ref such as ${kind}:default/name`,
    );

const version = z
  .object({
    description: z.string().max(4000),
    artifactUri: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,62}\/\S+$/),
    artifactDigest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/)
      .optional(),
    metrics: z.record(z.string().min(1).max(128), z.number().finite()),
    parameters: z.record(z.string(), z.unknown()),
    trainedOn: z.array(entityRef('dataset')).min(1).max(50),
  })
  .strict();

const seedSchema = z
  .object({
    snapshotMessage: z.string().trim().min(1).max(2000),
    models: z.array(
      z
        .object({
          model: entityRef('model'),
          versions: z.array(version).min(1).max(20),
          /** alias → the artifactUri of the version it points at */
          aliases: z.record(z.string().regex(ALIAS_PATTERN), z.string()),
        })
        .strict(),
    ),
  })
  .strict();

/** The seed description of scripts/demo-data/models.ts. */
export type DemoSeed = z.infer<typeof seedSchema>;
export type DemoSeedModel = DemoSeed['models'][number];
export type DemoSeedVersion = DemoSeedModel['versions'][number];

/** Reads and checks a seed file; the error names the file and the first bad field. */
export async function readDemoSeed(file: string): Promise<DemoSeed> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(
      `Cannot read the demo seed ${file} (${
        (error as Error).message
      }); run scripts/demo-data/models.ts to write it, or set kamlD.demo.seed.enabled to false.`,
    );
  }
  const parsed = seedSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `Demo seed ${file}: ${issue.path.join('.') || 'file'} ${
        issue.message
      }; write it again with scripts/demo-data/models.ts.`,
    );
  }
  for (const model of parsed.data.models) {
    const uris = new Set(model.versions.map(v => v.artifactUri));
    for (const [alias, uri] of Object.entries(model.aliases)) {
      if (!uris.has(uri)) {
        throw new InputError(
          `Demo seed ${file}: alias ${alias} of ${model.model} points at ${uri}, which is none of its versions.`,
        );
      }
    }
  }
  return parsed.data;
}
