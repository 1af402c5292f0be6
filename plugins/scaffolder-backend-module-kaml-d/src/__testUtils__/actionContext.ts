import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { Validator } from 'jsonschema';

/** The state a task keeps between attempts: its checkpoints. */
export type TaskState = Map<string, JsonValue | void>;

/**
 * Runs an action the way the scaffolder's workflow runner does: the input is validated against
 * the action's JSON schema (and passed through JSON), checkpoints are kept in `state` so a
 * second run with the same state replays them, and outputs are collected.
 */
export async function runAction<I extends JsonObject, O extends JsonObject>(
  action: TemplateAction<I, O, 'v2'>,
  input: JsonObject,
  options: {
    taskId?: string;
    dryRun?: boolean;
    state?: TaskState;
    stepId?: string;
    workspacePath?: string;
  } = {},
) {
  const schema = action.schema?.input;
  if (schema) {
    const result = new Validator().validate(input, schema);
    if (!result.valid) {
      throw new Error(
        `input rejected by the schema: ${result.errors.join(', ')}`,
      );
    }
  }
  const state = options.state ?? new Map();
  const outputs: Record<string, JsonValue> = {};
  const logger = mockServices.logger.mock();
  const ctx: ActionContext<I, O, 'v2'> = {
    logger,
    workspacePath: options.workspacePath ?? '/nonexistent',
    input: JSON.parse(JSON.stringify(input)),
    async checkpoint<T extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (state.has(opts.key)) return state.get(opts.key) as T;
      const value = await opts.fn();
      state.set(opts.key, value);
      return value;
    },
    output(name, value) {
      outputs[String(name)] = value as JsonValue;
    },
    createTemporaryDirectory: async () => {
      throw new Error('not used');
    },
    getInitiatorCredentials: async () => mockCredentials.user(),
    task: { id: options.taskId ?? 'task-1' },
    step: { id: options.stepId ?? 'step' },
    isDryRun: options.dryRun,
    user: { ref: 'user:default/mock' },
  };
  await action.handler(ctx);
  const lines = logger.info.mock.calls.map(c => String(c[0]));
  return { outputs, state, lines, logger };
}
