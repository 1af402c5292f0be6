import { SearchResult } from '@backstage/plugin-search-common';

/** Document types of KAML-D's search documents and how a user calls them. */
export const KAML_D_RESULT_TYPES: Record<string, string> = {
  'kaml-d-dataset': 'Dataset',
  'kaml-d-model': 'Model',
};

/** The names of the columns a search matched, from the highlighted `columns` field. */
export function matchedColumns(
  result: Pick<SearchResult, 'highlight'>,
): string[] {
  const highlight = result.highlight;
  const columns = highlight?.fields?.columns;
  if (!highlight || !columns) return [];
  const strip = (s: string) =>
    s.split(highlight.preTag).join('').split(highlight.postTag).join('');
  return columns
    .split(', ')
    .filter(entry => entry.includes(highlight.preTag))
    .map(entry => strip(entry).split(' ')[0])
    .filter(Boolean);
}

/**
 * What a hit says under its title: the columns that matched (`matched column temperature_c`)
 * when a column matched, else the first line of its text (the description), never a dump of
 * every column.
 */
export function hitSnippet(
  result: Pick<SearchResult, 'highlight' | 'type'> & {
    document: { text: string };
  },
): string {
  const columns = matchedColumns(result);
  if (columns.length > 0) {
    const shown = columns.slice(0, 3).join(', ');
    const more = columns.length > 3 ? ` and ${columns.length - 3} more` : '';
    return `matched ${
      columns.length === 1 ? 'column' : 'columns'
    } ${shown}${more}`;
  }
  const [first] = result.document.text.split('\n');
  return first ?? '';
}
