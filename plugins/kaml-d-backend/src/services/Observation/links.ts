/** The values a deep-link template may use. */
export interface LinkValues {
  id: string;
  namespace: string;
  name: string;
  kind: string;
}

/**
 * Fills `{{id}}`, `{{namespace}}`, `{{name}}` and `{{kind}}` in a configured URL template, each
 * value URL-encoded; a template naming anything else is left out (undefined).
 */
export function buildLink(
  template: string,
  values: LinkValues,
): string | undefined {
  let unknown = false;
  const url = template.replace(
    /\{\{\s*([a-zA-Z]+)\s*\}\}/g,
    (_, key: string) => {
      if (!(key in values)) {
        unknown = true;
        return '';
      }
      return encodeURIComponent(values[key as keyof LinkValues]);
    },
  );
  return unknown ? undefined : url;
}
