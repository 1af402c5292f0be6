import { InputError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import {
  InterpretedStatus,
  JOBSET_NAME_LABEL,
  KUBEFLOW_GROUP_VERSION,
  ResourceCondition,
  TRAINER_GROUP_VERSION,
  TrainJobStatusFields,
  TrainingStatus,
  describeTrainJobProgress,
  interpretTrainJobStatus,
  interpretTrainingConditions,
  trainJobProgress,
} from '@kaml-d/plugin-kaml-d-common';
import { labelSelector } from '../kubernetes/names';
import { sleep } from '../kubernetes/target';
import { KubeClient } from '../kubernetes/types';

/**
 * Forwards new log lines of a Job's pods to the task log. Lines carry the API server's RFC 3339
 * timestamps; per pod only lines newer than the last one forwarded are written.
 */
export class LogTail {
  private readonly seen = new Map<string, string>();
  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly tailLines: number,
    private readonly logger: LoggerService,
  ) {}

  async forward(pods: V1Pod[]): Promise<void> {
    for (const pod of pods) {
      const name = pod.metadata?.name;
      const phase = pod.status?.phase;
      if (!name || !phase || phase === 'Pending' || phase === 'Unknown')
        continue;
      let text: string;
      try {
        text = await this.client.podLog(
          this.namespace,
          name,
          pod.spec?.containers?.[0]?.name ?? 'train',
          this.tailLines,
        );
      } catch (e) {
        this.logger.warn(
          `log of pod ${name} is not available: ${(e as Error).message}`,
        );
        continue;
      }
      const last = this.seen.get(name) ?? '';
      for (const line of text.split('\n')) {
        if (!line) continue;
        const space = line.indexOf(' ');
        const stamp = space > 0 ? line.slice(0, space) : '';
        if (stamp && stamp <= last) continue;
        this.logger.info(
          `[${name}] ${space > 0 ? line.slice(space + 1) : line}`,
        );
        if (stamp) this.seen.set(name, stamp);
      }
    }
  }
}

/** The step outputs a finished run reports. */
export type RunOutputs = {
  output(name: 'status' | 'startTime' | 'completionTime', value: string): void;
  output(name: 'durationSeconds', value: number): void;
};

/** Outputs the status, start and completion times and duration of a finished run. */
export function outputFinished(
  ctx: RunOutputs,
  status: string,
  start: Date | string | undefined,
  end: Date | string | undefined,
): void {
  if (start) ctx.output('startTime', new Date(start).toISOString());
  if (end) ctx.output('completionTime', new Date(end).toISOString());
  if (start && end) {
    ctx.output(
      'durationSeconds',
      (new Date(end).getTime() - new Date(start).getTime()) / 1000,
    );
  }
  ctx.output('status', status);
}

type CustomRun = KubernetesObject & {
  status?: TrainJobStatusFields & {
    conditions?: ResourceCondition[];
    startTime?: string;
    completionTime?: string;
  };
};

/** How to follow one custom-resource kind: its API version, pods, status and times. */
interface CustomRunKind {
  apiVersion: string;
  /** The label the controller puts on the run's pods, valued with the run's name. */
  podLabel: string;
  interpret(run: CustomRun): InterpretedStatus<TrainingStatus>;
  /** Progress worth a log line when it changes (a TrainJob's child Jobs and trainer status). */
  progress?(run: CustomRun): string | undefined;
  startTime(run: CustomRun): string | Date | undefined;
  completionTime(run: CustomRun): string | Date | undefined;
}

const terminalTime = (run: CustomRun) =>
  run.status?.conditions?.find(
    c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  )?.lastTransitionTime;

/** Training-operator jobs (TFJob, PyTorchJob) and Kubeflow Trainer v2 TrainJobs. */
export const CUSTOM_RUN_KINDS: Record<
  'TFJob' | 'PyTorchJob' | 'TrainJob',
  CustomRunKind
> = {
  TFJob: {
    apiVersion: KUBEFLOW_GROUP_VERSION,
    podLabel: 'training.kubeflow.org/job-name',
    interpret: run => interpretTrainingConditions(run.status?.conditions),
    startTime: run => run.status?.startTime,
    completionTime: run => run.status?.completionTime,
  },
  PyTorchJob: {
    apiVersion: KUBEFLOW_GROUP_VERSION,
    podLabel: 'training.kubeflow.org/job-name',
    interpret: run => interpretTrainingConditions(run.status?.conditions),
    startTime: run => run.status?.startTime,
    completionTime: run => run.status?.completionTime,
  },
  // the Trainer reports no start time: the TrainJob's creation, until its terminal condition
  TrainJob: {
    apiVersion: TRAINER_GROUP_VERSION,
    podLabel: JOBSET_NAME_LABEL,
    interpret: run => interpretTrainJobStatus(run.status),
    progress: run => {
      const p = trainJobProgress(run.status);
      return p ? describeTrainJobProgress(p) : undefined;
    },
    startTime: run => run.metadata?.creationTimestamp,
    completionTime: terminalTime,
  },
};

/**
 * Follows a TFJob, PyTorchJob or TrainJob until its status says Succeeded or Failed, logging
 * each change of status (and of a TrainJob's progress) and forwarding the log tail of its pods
 * (found by the label its controller gives them).
 */
export async function waitForCustomRun(options: {
  client: KubeClient;
  kind: keyof typeof CUSTOM_RUN_KINDS;
  namespace: string;
  name: string;
  input: {
    timeoutSeconds: number;
    pollIntervalSeconds: number;
    logTailLines: number;
  };
  ctx: RunOutputs & { logger: LoggerService; signal?: AbortSignal };
  tail: LogTail;
}): Promise<void> {
  const { client, kind, namespace, name, input, ctx, tail } = options;
  const how = CUSTOM_RUN_KINDS[kind];
  const selector = labelSelector({ [how.podLabel]: name });
  const deadline = Date.now() + input.timeoutSeconds * 1000;
  let lastReport = '';
  let lastProgress = '';
  for (;;) {
    const run = await client.read<CustomRun>({
      apiVersion: how.apiVersion,
      kind,
      namespace,
      name,
    });
    if (!run)
      throw new InputError(`${kind} ${namespace}/${name} does not exist`);
    if (input.logTailLines > 0) {
      await tail.forward(
        await client.list<V1Pod>('v1', 'Pod', namespace, selector),
      );
    }
    const { status, message } = how.interpret(run);
    const report = `${status}: ${message}`;
    if (report !== lastReport) {
      ctx.logger.info(`${kind} ${name}: ${report}`);
      lastReport = report;
    }
    const progress = how.progress?.(run) ?? '';
    if (progress && progress !== lastProgress && !report.includes(progress)) {
      ctx.logger.info(`${kind} ${name} progress: ${progress}`);
    }
    lastProgress = progress;
    if (status === 'Succeeded' || status === 'Failed') {
      outputFinished(ctx, status, how.startTime(run), how.completionTime(run));
      if (status === 'Failed') {
        throw new Error(
          `training ${kind} ${namespace}/${name} failed: ${message}`,
        );
      }
      ctx.logger.info(`Training ${kind} ${namespace}/${name} succeeded`);
      return;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `training ${kind} ${namespace}/${name} did not finish within ${input.timeoutSeconds}s (${report}; it keeps running: delete it or wait again)`,
      );
    }
    await sleep(input.pollIntervalSeconds * 1000, ctx.signal);
  }
}
