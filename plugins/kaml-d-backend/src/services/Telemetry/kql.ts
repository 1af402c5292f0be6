import { LogFields } from './types';
import { LogSelection } from './logql';

/** A KQL quoted string: backslash and double quote escaped, control whitespace as \n \r \t. */
export function kqlString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')}"`;
}

/**
 * An unquoted KQL value (field names, the fixed part of a wildcard): KQL's special characters
 * `\ ( ) : < > " * { }` backslash-escaped, \n \r \t escaped. KQL cannot escape a space in an
 * unquoted value, so a space becomes the wildcard `*` (a broader match, never a different query).
 */
export function kqlUnquoted(value: string): string {
  return value
    .replace(/[\\():<>"*{}]/g, '\\$&')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/ /g, '*');
}

/**
 * The KQL of a selection for Kibana and OpenSearch Dashboards:
 * `ns:"x" and pod:("a" or b-*) and container:"c" and message:"text"`.
 */
export function buildKql(selection: LogSelection, fields: LogFields): string {
  const field = (name: string) => kqlUnquoted(name);
  const parts = [
    `${field(fields.namespace)}:${kqlString(selection.namespace)}`,
  ];
  const pods = [
    ...(selection.pods ?? []).map(kqlString),
    ...(selection.podPrefixes ?? []).map(p => `${kqlUnquoted(p)}*`),
  ];
  if (pods.length === 1) parts.push(`${field(fields.pod)}:${pods[0]}`);
  else if (pods.length) {
    parts.push(`${field(fields.pod)}:(${pods.join(' or ')})`);
  }
  if (selection.container) {
    parts.push(`${field(fields.container)}:${kqlString(selection.container)}`);
  }
  if (selection.text) {
    parts.push(`${field(fields.message)}:${kqlString(selection.text)}`);
  }
  return parts.join(' and ');
}
