import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { withDefaults } from './input';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { assertDnsLabel, labelSelector } from '../kubernetes/names';
import {
  ensureAccess,
  KubeTarget,
  requireTarget,
  sleep,
} from '../kubernetes/target';
import { examples } from './trainingWait.examples';
import { runResource } from './trainingKind';
import {
  LogTail,
  outputFinished,
  waitForCustomRun,
} from './trainingWaitFollow';

/** The outcome of a Job from its conditions, or undefined while it runs. */
export function jobOutcome(job: V1Job): 'Succeeded' | 'Failed' | undefined {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  if (isTrue('Complete')) return 'Succeeded';
  if (isTrue('Failed')) return 'Failed';
  return undefined;
}

function failureReason(job: V1Job): string {
  const failed = job.status?.conditions?.find(
    c => c.type === 'Failed' && c.status === 'True',
  );
  return (
    [failed?.reason, failed?.message].filter(Boolean).join(': ') || 'failed'
  );
}

/** Values of the inputs a template may leave out. */
const DEFAULTS = {
  kind: 'Job' as const,
  timeoutSeconds: 3600,
  pollIntervalSeconds: 5,
  logTailLines: 20,
};

/**
 * `kaml-d:training:wait` — waits until a training Job completes or fails, streaming the log
 * tail of its pods into the task log; a failed Job or a timeout fails the step.
 * @public
 */
export function createTrainingWaitAction(options: {
  kubernetes: KubeTarget | undefined;
}) {
  return createTemplateAction({
    id: 'kaml-d:training:wait',
    description:
      'Waits for a training Job to complete, streaming its log tail into the task log; fails the step when the Job fails or the timeout passes.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        jobName: z =>
          z.string({
            description:
              'Name of the Job (the jobName output of kaml-d:training:launch)',
          }),
        namespace: z =>
          z
            .string({
              description:
                'Namespace of the Job; the configured training namespace by default',
            })
            .optional(),
        kind: z =>
          z
            .enum(['Job', 'TFJob', 'PyTorchJob', 'TrainJob'], {
              description:
                'Kind of the run (the kind output of kaml-d:training:launch); a TFJob or PyTorchJob is followed through its status.conditions, a TrainJob through its Complete, Failed and Suspended conditions and its child Jobs (default Job)',
            })
            .optional(),
        timeoutSeconds: z =>
          z
            .number({
              description:
                'How long to wait before failing the step (default 3600)',
            })
            .positive()
            .max(7 * 24 * 3600)
            .optional(),
        pollIntervalSeconds: z =>
          z
            .number({
              description: 'Seconds between two looks at the Job (default 5)',
            })
            .min(0.05)
            .max(300)
            .optional(),
        logTailLines: z =>
          z
            .number({
              description:
                'Log lines of each pod read per look (0: no logs) (default 20)',
            })
            .int()
            .min(0)
            .max(1000)
            .optional(),
      },
      output: {
        status: z =>
          z
            .enum(['Succeeded', 'Failed'], {
              description: 'Outcome of the Job (the step fails on Failed)',
            })
            .optional(),
        startTime: z =>
          z
            .string({ description: 'When the Job started (RFC 3339)' })
            .optional(),
        completionTime: z =>
          z
            .string({ description: 'When the Job completed (RFC 3339)' })
            .optional(),
        durationSeconds: z =>
          z
            .number({ description: 'Run time of a completed Job in seconds' })
            .optional(),
      },
    },
    async handler(ctx) {
      const input = withDefaults(ctx.input, DEFAULTS);
      const target = requireTarget(options.kubernetes);
      const { client } = target;
      const jobName = assertDnsLabel(input.jobName, 'jobName');
      const namespace = assertDnsLabel(
        input.namespace ?? target.trainingNamespace,
        'namespace',
      );
      await ensureAccess(client, [
        { verb: 'get', ...runResource(input.kind), namespace },
        { verb: 'list', group: '', resource: 'pods', namespace },
      ]);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would wait for ${input.kind} ${namespace}/${jobName}`,
        );
        return;
      }
      if (input.kind !== 'Job') {
        await waitForCustomRun({
          client,
          kind: input.kind,
          namespace,
          name: jobName,
          input,
          ctx,
          tail: new LogTail(client, namespace, input.logTailLines, ctx.logger),
        });
        return;
      }

      const tail = new LogTail(
        client,
        namespace,
        input.logTailLines,
        ctx.logger,
      );
      const selector = labelSelector({
        'batch.kubernetes.io/job-name': jobName,
      });
      const deadline = Date.now() + input.timeoutSeconds * 1000;
      let lastActive = -1;
      for (;;) {
        const job = await client.read<V1Job>({
          apiVersion: 'batch/v1',
          kind: 'Job',
          namespace,
          name: jobName,
        });
        if (!job) {
          throw new InputError(`Job ${namespace}/${jobName} does not exist`);
        }
        const outcome = jobOutcome(job);
        if (input.logTailLines > 0) {
          await tail.forward(
            await client.list<V1Pod>('v1', 'Pod', namespace, selector),
          );
        }
        const active = job.status?.active ?? 0;
        if (active !== lastActive && !outcome) {
          ctx.logger.info(`Job ${jobName}: ${active} pod(s) running`);
          lastActive = active;
        }
        if (outcome) {
          outputFinished(
            ctx,
            outcome,
            job.status?.startTime,
            job.status?.completionTime,
          );
          if (outcome === 'Failed') {
            throw new Error(
              `training Job ${namespace}/${jobName} failed: ${failureReason(
                job,
              )}`,
            );
          }
          ctx.logger.info(`Training Job ${namespace}/${jobName} completed`);
          return;
        }
        if (Date.now() >= deadline) {
          throw new Error(
            `training Job ${namespace}/${jobName} did not finish within ${input.timeoutSeconds}s (it keeps running; delete it or wait again)`,
          );
        }
        await sleep(input.pollIntervalSeconds * 1000, ctx.signal);
      }
    },
  });
}
