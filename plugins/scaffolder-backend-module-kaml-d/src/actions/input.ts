/** An action input after {@link withDefaults}: the defaulted keys are always present. */
export type WithDefaults<I, D> = Omit<I, keyof D> & {
  [K in keyof D]: K extends keyof I ? Exclude<I[K], undefined> : D[K];
};

/**
 * The action input with defaults for the keys a template left out. The scaffolder validates
 * inputs against the JSON schema derived from the zod schema (types, ranges, enums) but fills in
 * no defaults, so optional inputs are declared `.optional()` and defaulted here.
 */
export function withDefaults<
  I extends object,
  D extends { [K in keyof I]?: Exclude<I[K], undefined> },
>(input: I, defaults: D): WithDefaults<I, D> {
  const result: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) result[key] = value;
  }
  return result as WithDefaults<I, D>;
}
