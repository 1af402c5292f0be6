import { InputError } from '@backstage/errors';
import {
  DATASET_FORMATS,
  DatasetEntity,
  DatasetFormat,
  KAML_D_API_VERSION,
} from '@kaml-d/plugin-kaml-d-common';

/** Name of the Dataset entity file written beside uploaded data. */
export const MANIFEST_NAME = 'catalog-info.yaml';
/** Files accepted in one upload. */
export const MAX_UPLOAD_FILES = 1000;

const NAME = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

const EXTENSION_FORMATS: Array<[RegExp, DatasetFormat]> = [
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.tsv(\.gz)?$/i, 'tsv'],
  [/\.(parquet|parq|pq)$/i, 'parquet'],
  [/\.(jsonl|ndjson)(\.gz)?$/i, 'jsonl'],
  [/\.json(\.gz)?$/i, 'json'],
  [/\.(png|jpe?g|gif|bmp|tiff?|webp)$/i, 'images'],
  [/\.(wav|mp3|flac|ogg|m4a)$/i, 'audio'],
  [/\.(mp4|mov|avi|mkv|webm)$/i, 'video'],
];

/** The format a file name implies, if any. */
export function formatOfFileName(name: string): DatasetFormat | undefined {
  return EXTENSION_FORMATS.find(([pattern]) => pattern.test(name))?.[1];
}

/** The form fields of an upload, checked. */
export interface UploadFields {
  name: string;
  owner?: string;
  format?: DatasetFormat;
  description?: string;
  tags: string[];
  system?: string;
  lifecycle: string;
}

/** Checks the form fields; InputError naming the field otherwise. */
export function parseUploadFields(fields: Map<string, string>): UploadFields {
  const name = fields.get('name')?.trim() ?? '';
  if (!NAME.test(name) || name.length > 63) {
    throw new InputError(
      'Field "name" must be 1 to 63 lowercase letters, digits and single - _ . between them, such as "sales-2024"; send it before the files.',
    );
  }
  const format = fields.get('format')?.trim();
  if (format && !(DATASET_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(
      `Field "format" must be one of ${DATASET_FORMATS.join(
        ', ',
      )}; got "${format}".`,
    );
  }
  const tags = (fields.get('tags') ?? '')
    .split(',')
    .map(t => t.trim().toLowerCase())
    .filter(Boolean);
  const badTag = tags.find(t => !/^[a-z0-9:+#-]{1,63}$/.test(t));
  if (badTag) {
    throw new InputError(
      `Tag "${badTag}" is not valid; use lowercase letters, digits and - (at most 63).`,
    );
  }
  const description = fields.get('description')?.trim();
  return {
    name,
    owner: fields.get('owner')?.trim() || undefined,
    format: format ? (format as DatasetFormat) : undefined,
    description: description || undefined,
    tags,
    system: fields.get('system')?.trim() || undefined,
    lifecycle: fields.get('lifecycle')?.trim() || 'experimental',
  };
}

/** The Dataset entity of an upload. */
export function uploadManifest(
  fields: UploadFields,
  format: DatasetFormat,
  location: string,
  owner: string,
  totals: { bytes: number; files: number },
): DatasetEntity {
  return {
    apiVersion: KAML_D_API_VERSION,
    kind: 'Dataset',
    metadata: {
      name: fields.name,
      ...(fields.description ? { description: fields.description } : {}),
      ...(fields.tags.length ? { tags: fields.tags } : {}),
    },
    spec: {
      owner,
      lifecycle: fields.lifecycle,
      ...(fields.system ? { system: fields.system } : {}),
      format,
      location,
      size: { bytes: totals.bytes, files: totals.files },
    },
  };
}

/**
 * Refuses a file name (a key relative to the dataset folder) that listings and discovery hide
 * or treat as metadata, so an upload cannot store what nobody sees: a segment that starts with
 * "." (the storage's own `.kaml-partial-*` files, `.kaml-d-snapshots/`, any dot-file or
 * dot-folder) and `catalog-info.yaml` at any depth.
 */
export function checkUploadFileName(relativeKey: string): void {
  const segments = relativeKey.split('/');
  const hidden = segments.find(s => s.startsWith('.'));
  if (hidden !== undefined) {
    throw new InputError(
      `File "${relativeKey}" has a name part starting with "." ("${hidden}"): such files and folders are hidden from listings and discovery; rename it, nothing was written.`,
    );
  }
  if (segments[segments.length - 1] === MANIFEST_NAME) {
    throw new InputError(
      `A file may not be called ${MANIFEST_NAME}; the upload writes that file itself. Rename "${relativeKey}", nothing was written.`,
    );
  }
}
