import { TabularFormat } from '@kaml-d/plugin-kaml-d-node';

/** One object of the dataset the notebook reads, by a link that grants only that object. */
export interface StarterFile {
  /** Its key relative to the dataset's folder, such as `2024/part-0.csv`. */
  name: string;
  url: string;
}

/** What a starter notebook loads. */
export interface StarterNotebookInput {
  /** `dataset:default/finance-transactions`. */
  entityRef: string;
  format: TabularFormat;
  files: StarterFile[];
  /** When the links stop working (ISO 8601). */
  expiresAt: string;
  snapshot?: string;
  /** `model:default/fraud-detector` version 3, when opened from a model version. */
  modelVersion?: { entityRef: string; version: number };
}

/** A Python string literal (JSON's escapes are a subset of Python's). */
export function pythonString(value: string): string {
  return JSON.stringify(value);
}

function compressionOf(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.gz')) return 'gzip';
  if (lower.endsWith('.zst')) return 'zstd';
  return undefined;
}

/**
 * The pandas call that reads one file of the format. Links carry a query string, so pandas
 * cannot guess compression from the name: it is passed explicitly.
 */
export function readerCall(format: TabularFormat, file: StarterFile): string {
  const url = pythonString(file.url);
  const compression = compressionOf(file.name);
  const lower = file.name.toLowerCase();
  const extra = compression ? `, compression=${pythonString(compression)}` : '';
  switch (format) {
    case 'csv':
      return `pd.read_csv(${url}${extra})`;
    case 'tsv':
      return `pd.read_csv(${url}, sep="\\t"${extra})`;
    case 'parquet':
      return `pd.read_parquet(${url})`;
    case 'json':
    case 'jsonl': {
      const lines =
        format === 'jsonl'
          ? !/\.json(\.gz)?$/.test(lower) || /\.(jsonl|ndjson)/.test(lower)
          : /\.(jsonl|ndjson)/.test(lower);
      return `pd.read_json(${url}${lines ? ', lines=True' : ''}${extra})`;
    }
    default:
      throw new Error(`No reader for format ${String(format)}`);
  }
}

/** The first code cell: loads the data into the DataFrame `df`. */
export function loadCell(input: StarterNotebookInput): string {
  const what = input.snapshot
    ? `${input.entityRef} at snapshot ${input.snapshot}`
    : input.entityRef;
  const lines = [
    `# ${what} (${input.format}, ${input.files.length} file${
      input.files.length === 1 ? '' : 's'
    })`,
    `# Each link below reads one object of this dataset only and expires at ${input.expiresAt};`,
    '# open the notebook again from KAML-D for fresh links.',
    'import pandas as pd',
    '',
    'frames = [',
    ...input.files.map(file => `    ${readerCall(input.format, file)},`),
    ']',
    'df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()',
    'df.head()',
  ];
  return lines.join('\n');
}

function source(text: string): string[] {
  const lines = text.split('\n');
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}

/** An nbformat 4 notebook: a title, the load cell and an empty cell to carry on in. */
export function starterNotebook(input: StarterNotebookInput): object {
  const title = input.modelVersion
    ? `# ${input.modelVersion.entityRef} version ${input.modelVersion.version}\n\nTrained on \`${input.entityRef}\`, snapshot \`${input.snapshot}\`.`
    : `# ${input.entityRef}${
        input.snapshot ? `\n\nSnapshot \`${input.snapshot}\`.` : ''
      }`;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python',
      },
      language_info: { name: 'python' },
      'kaml-d': {
        entityRef: input.entityRef,
        ...(input.snapshot ? { snapshot: input.snapshot } : {}),
        ...(input.modelVersion ? { modelVersion: input.modelVersion } : {}),
        linksExpireAt: input.expiresAt,
      },
    },
    cells: [
      {
        cell_type: 'markdown',
        id: 'kaml-d-title',
        metadata: {},
        source: source(title),
      },
      {
        cell_type: 'code',
        id: 'kaml-d-load',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: source(loadCell(input)),
      },
      {
        cell_type: 'code',
        id: 'kaml-d-next',
        metadata: {},
        execution_count: null,
        outputs: [],
        source: [],
      },
    ],
  };
}
