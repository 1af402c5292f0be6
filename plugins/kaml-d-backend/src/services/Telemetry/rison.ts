/** A value rison can encode: what JSON has, without undefined. */
export type RisonValue =
  | string
  | number
  | boolean
  | null
  | RisonValue[]
  | { [key: string]: RisonValue | undefined };

// rison ids: no character of " '!:(),*@$" and not starting with a digit or '-' (or being a number)
const ID =
  /^[^-0-9 '!:(),*@$"#%&+/;<=>?[\\\]^`{|}\s][^ '!:(),*@$"#%&+/;<=>?[\\\]^`{|}\s]*$/;

function risonString(value: string): string {
  if (value !== '' && ID.test(value)) return value;
  return `'${value.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

/**
 * Encodes a value as rison (the URL-friendly JSON Kibana and OpenSearch Dashboards keep in `_g`
 * and `_a`): objects `(k:v,…)`, arrays `!(…)`, `!t`, `!f`, `!n`, strings bare when they are ids,
 * else quoted with `'` where `!` escapes `'` and `!`. Keys of undefined values are left out.
 */
export function rison(value: RisonValue): string {
  if (value === null) return '!n';
  if (value === true) return '!t';
  if (value === false) return '!f';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new Error(`rison cannot encode ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return risonString(value);
  if (Array.isArray(value)) return `!(${value.map(rison).join(',')})`;
  return `(${Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${risonString(k)}:${rison(v as RisonValue)}`)
    .join(',')})`;
}

/**
 * A rison value as it goes into a URL's query or fragment: percent-encoded like
 * encodeURIComponent, but keeping rison's own `(`, `)`, `!`, `'`, `:` and `,` readable (all
 * valid in both parts of a URL).
 */
export function risonParam(value: RisonValue): string {
  return encodeURIComponent(rison(value))
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',');
}
