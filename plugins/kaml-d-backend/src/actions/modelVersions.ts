import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ModelVersionsService } from '../services/ModelVersions';
import { ObservationService } from '../services/Observation';
import { entityRefInput, explainableError, userCredentials } from './common';

/** Versions an answer lists at most, newest first. */
const MAX_VERSIONS = 100;

/**
 * `kaml-d:list-model-versions`: a model's registered versions (the ModelVersions service, as
 * the Versions tab reads them) and its health headline (the Observation service, as the
 * Health tab reads it), both with the caller's credentials.
 */
export function registerListModelVersionsAction(options: {
  actionsRegistry: ActionsRegistryService;
  modelVersions: Pick<ModelVersionsService, 'list'>;
  observation: Pick<ObservationService, 'observe'>;
}) {
  const { actionsRegistry, modelVersions, observation } = options;
  actionsRegistry.register({
    name: 'list-model-versions',
    title: "List a model's versions and health",
    description:
      "Lists the registered versions of a KAML-D model, newest first: artifact, metrics, the dataset snapshots each was trained on, the training run, who registered it and when, and the aliases (such as champion) pointing at it. Also returns the model's health headline from Kubernetes and Prometheus over the last hour: healthy, degraded, unhealthy, down or unknown, with the reason.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          model: z
            .string()
            .min(1)
            .max(300)
            .describe(
              'The model: name, namespace/name or model:namespace/name',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          versions: z.array(
            z.object({
              version: z.number(),
              description: z.string().optional(),
              artifactUri: z.string(),
              artifactDigest: z.string().optional(),
              metrics: z.record(z.number()),
              parameters: z.record(z.any()),
              trainedOn: z.array(
                z.object({ datasetRef: z.string(), snapshotId: z.string() }),
              ),
              run: z
                .object({
                  cluster: z.string().optional(),
                  namespace: z.string(),
                  name: z.string(),
                  kind: z.string().optional(),
                  taskId: z.string().optional(),
                })
                .optional(),
              createdAt: z.string(),
              createdBy: z.string(),
              aliases: z.array(z.string()),
            }),
          ),
          totalVersions: z.number(),
          aliases: z.record(z.number()).describe('Alias → version'),
          health: z
            .object({
              status: z
                .string()
                .describe('healthy, degraded, unhealthy, down or unknown'),
              reason: z.string(),
              observedAt: z.string(),
            })
            .optional(),
          healthError: z
            .string()
            .optional()
            .describe('Why the health headline is missing'),
        }),
    },
    examples: [
      {
        title: 'Versions of a model',
        input: { model: 'fraud-detector' },
      },
    ],
    action: async ({ input, credentials }) => {
      const user = userCredentials(credentials);
      const ref = entityRefInput(input.model, 'model');
      const list = await modelVersions.list(ref, user);
      let health;
      let healthError: string | undefined;
      try {
        const observed = await observation.observe(ref, '1h', user);
        health = { ...observed.headline, observedAt: observed.observedAt };
      } catch (error) {
        healthError = explainableError(error);
        if (!healthError) throw error;
      }
      return {
        output: {
          entityRef: list.entityRef,
          versions: list.items.slice(0, MAX_VERSIONS).map(v => ({
            version: v.version,
            ...(v.description ? { description: v.description } : {}),
            artifactUri: v.artifactUri,
            ...(v.artifactDigest ? { artifactDigest: v.artifactDigest } : {}),
            metrics: v.metrics,
            parameters: v.parameters,
            trainedOn: v.trainedOn,
            ...(v.run ? { run: v.run } : {}),
            createdAt: v.createdAt,
            createdBy: v.createdBy,
            aliases: v.aliases,
          })),
          totalVersions: list.items.length,
          aliases: list.aliases,
          ...(health ? { health } : {}),
          ...(healthError ? { healthError } : {}),
        },
      };
    },
  });
}
