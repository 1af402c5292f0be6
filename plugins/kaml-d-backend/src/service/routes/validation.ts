import { InputError } from '@backstage/errors';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { JsonObject, JsonValue } from '@backstage/types';
import { z } from 'zod';

/** Parses request input with a zod schema; InputError naming each bad field otherwise. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues
      .map(
        issue =>
          `${issue.path.length ? issue.path.join('.') : where}: ${
            issue.message
          }`,
      )
      .join('; ');
    throw new InputError(`Invalid ${where}: ${problems}`);
  }
  return result.data;
}

const entityNamePart = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, -, _ or .');

/** `:namespace/:name` path parameters of a dataset. */
export const datasetParams = z.object({
  namespace: entityNamePart,
  name: entityNamePart,
});

/** The dataset a route names. */
export function datasetRef(params: unknown): CompoundEntityRef {
  const { namespace, name } = parseInput(datasetParams, params, 'dataset path');
  return { kind: 'dataset', namespace, name };
}

/** A positive whole number in a query string (`?limit=10`). */
export const queryInteger = z
  .string()
  .regex(/^\d{1,7}$/, 'must be a whole number')
  .transform(Number)
  .refine(n => n > 0, 'must be at least 1');

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(jsonValue),
  ]),
);

/** A JSON object from a request body (free-form details, parameters). */
export const jsonObject: z.ZodType<JsonObject> = z.record(jsonValue);
