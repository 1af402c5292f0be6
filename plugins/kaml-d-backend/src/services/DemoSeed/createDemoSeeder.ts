import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { ModelVersionsService } from '../ModelVersions';
import { SnapshotsService } from '../Snapshots';
import { DemoSeed, DemoSeedModel } from './seedFile';

/** What one run of the seeder did. */
export interface DemoSeedResult {
  /** Snapshots taken (dataset ref → snapshot id). */
  snapshots: Record<string, string>;
  /** Versions registered, as `model:ns/name@version`. */
  registered: string[];
  /** Aliases set, as `model:ns/name:alias=version`. */
  promoted: string[];
  /** Models or datasets not (yet) in the catalog: the next run tries them again. */
  waiting: string[];
}

/**
 * Loads a demo seed through the services the routes use: a snapshot of each training dataset
 * (SnapshotsService, reused when one with the seed's message exists), the versions pinned to
 * those snapshots and the aliases (ModelVersionsService). Idempotent: a version whose artifact
 * URI the model already has is not registered again, and an alias already set (by the seed or
 * by a user) is left alone. Runs with the given (plugin service) credentials.
 */
export function createDemoSeeder(options: {
  snapshots: SnapshotsService;
  modelVersions: ModelVersionsService;
  credentials: () => Promise<BackstageCredentials>;
  logger: LoggerService;
}) {
  const { snapshots, modelVersions, logger } = options;

  /** The seed's snapshot of a dataset: found by its message, taken when there is none. */
  async function demoSnapshot(
    datasetRef: string,
    message: string,
    credentials: BackstageCredentials,
    result: DemoSeedResult,
  ): Promise<string> {
    const ref = parseEntityRef(datasetRef);
    const existing = (await snapshots.list(ref, credentials)).find(
      s => s.message === message,
    );
    if (existing) return existing.id;
    const taken = await snapshots.create(ref, { message }, credentials);
    result.snapshots[datasetRef] = taken.id;
    return taken.id;
  }

  async function seedModel(
    model: DemoSeedModel,
    message: string,
    credentials: BackstageCredentials,
    pinned: Map<string, string>,
    result: DemoSeedResult,
  ) {
    const ref: CompoundEntityRef = parseEntityRef(model.model);
    const before = await modelVersions.list(ref, credentials);
    const known = new Map(before.items.map(v => [v.artifactUri, v.version]));
    for (const version of model.versions) {
      if (known.has(version.artifactUri)) continue;
      const trainedOn = [];
      for (const datasetRef of version.trainedOn) {
        let snapshotId = pinned.get(datasetRef);
        if (!snapshotId) {
          snapshotId = await demoSnapshot(
            datasetRef,
            message,
            credentials,
            result,
          );
          pinned.set(datasetRef, snapshotId);
        }
        trainedOn.push({ datasetRef, snapshotId });
      }
      const registered = await modelVersions.register(
        ref,
        {
          description: version.description,
          artifactUri: version.artifactUri,
          ...(version.artifactDigest
            ? { artifactDigest: version.artifactDigest }
            : {}),
          metrics: version.metrics,
          parameters: version.parameters as JsonObject,
          trainedOn,
        },
        credentials,
      );
      known.set(version.artifactUri, registered.version);
      result.registered.push(`${model.model}@${registered.version}`);
    }
    for (const [alias, uri] of Object.entries(model.aliases)) {
      if (before.aliases[alias] !== undefined) continue;
      const target = known.get(uri)!;
      await modelVersions.promote(ref, alias, target, credentials);
      result.promoted.push(`${model.model}:${alias}=${target}`);
    }
  }

  return {
    async run(seed: DemoSeed): Promise<DemoSeedResult> {
      const credentials = await options.credentials();
      const result: DemoSeedResult = {
        snapshots: {},
        registered: [],
        promoted: [],
        waiting: [],
      };
      const pinned = new Map<string, string>();
      for (const model of seed.models) {
        try {
          await seedModel(
            model,
            seed.snapshotMessage,
            credentials,
            pinned,
            result,
          );
        } catch (error) {
          // the catalog reads its files after the backend starts: wait for the next run
          if (error instanceof NotFoundError) {
            result.waiting.push(model.model);
            logger.info(
              `Demo seed: ${model.model} waits for the catalog (${error.message})`,
            );
            continue;
          }
          throw error;
        }
      }
      return result;
    },
  };
}
