import {
  ColumnInfo,
  ColumnSummary,
  DatasetSource,
  QueryEngine,
} from '@kaml-d/plugin-kaml-d-node';
import { DatasetColumnSummary } from '@kaml-d/plugin-kaml-d-common';
import { kindOf } from '../QueryEngine/profileMath';

/** Columns a summary page holds unless asked otherwise, and at most. */
export const SUMMARY_PAGE_DEFAULT = 25;
export const SUMMARY_PAGE_MAX = 100;

/** Which page of which columns a summary is asked for. */
export interface SummaryPage {
  offset: number;
  limit: number;
  /** Part of a column name, in any case. */
  search?: string;
}

/** The columns whose name contains `search`, case-insensitively (all without one). */
export function matchingColumns(
  columns: ColumnInfo[],
  search: string | undefined,
): ColumnInfo[] {
  const needle = search?.trim().toLocaleLowerCase();
  if (!needle) return columns;
  return columns.filter(c => c.name.toLocaleLowerCase().includes(needle));
}

/**
 * The summary figures of one page of the matching columns, computed by the engine: in one
 * pass per statement by an engine that summarizes, column by column by one that only profiles.
 */
export async function summarizePage(
  engine: QueryEngine,
  source: DatasetSource,
  columns: ColumnInfo[],
  page: SummaryPage,
  timeoutMs: number,
) {
  const matching = matchingColumns(columns, page.search);
  const slice = matching.slice(page.offset, page.offset + page.limit);
  let summaries: ColumnSummary[];
  if (engine.summarize) {
    summaries = slice.length
      ? await engine.summarize(source, slice, { timeoutMs })
      : [];
  } else {
    summaries = [];
    for (const column of slice) {
      const { topValues, histogram, timeHistogram, categorical, ...figures } =
        await engine.profile(source, column.name, {
          timeoutMs,
          topValues: 1,
          histogramBins: 1,
        });
      summaries.push({ ...figures, kind: figures.kind ?? kindOf(column.type) });
    }
  }
  return {
    totalColumns: columns.length,
    matchingColumns: matching.length,
    offset: page.offset,
    limit: page.limit,
    ...(page.search ? { search: page.search } : {}),
    columns: summaries as DatasetColumnSummary[],
  };
}
