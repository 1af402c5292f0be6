import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { TASK_LABEL } from '../kubernetes/target';

/** The label tying a workload (and its pods) to the Model entity it trains or serves. */
export const MODEL_LABEL = 'kaml-d.io/model';

/**
 * The labels every KAML-D workload of a model carries: part of kaml-d, its component, the model
 * and the scaffolder task that made it.
 */
export function workloadLabels(options: {
  component: 'training' | 'model-server';
  modelName: string;
  taskLabel: string;
}): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': 'kaml-d',
    'app.kubernetes.io/component': options.component,
    [MODEL_LABEL]: options.modelName,
    [TASK_LABEL]: options.taskLabel,
  };
}

/**
 * Requests and limits of a workload container, the same for both: CPU, memory and, when any
 * is asked for, `nvidia.com/gpu`.
 */
export function containerResources(options: {
  cpu: string;
  memory: string;
  gpus: number;
}): V1ResourceRequirements {
  const resources: Record<string, string> = {
    cpu: options.cpu,
    memory: options.memory,
    ...(options.gpus > 0 ? { 'nvidia.com/gpu': String(options.gpus) } : {}),
  };
  return { requests: resources, limits: resources };
}
