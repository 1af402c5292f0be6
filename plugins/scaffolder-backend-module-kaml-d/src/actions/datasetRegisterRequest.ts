import { InputError } from '@backstage/errors';
import {
  DatasetFormat,
  RegisterDatasetRequest,
} from '@kaml-d/plugin-kaml-d-common';
import { openAsBlob } from 'node:fs';
import { WorkspaceFile } from './datasetRegisterFiles';

/** Dataset names the KAML-D backend accepts (the same rule as the Workbench upload). */
const DATASET_NAME = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
const TAG = /^[a-z0-9:+#-]{1,63}$/;
/** `s3://bucket/folder/…/`: an S3 bucket name and a folder of plain segments. */
const S3_LOCATION =
  /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/((?:[A-Za-z0-9!_.*'()+=@,-]+\/)+)$/;

/** The inputs of `kaml-d:dataset:register` that describe the Dataset, defaults applied. */
export interface DatasetDescription {
  format?: DatasetFormat;
  description?: string;
  owner?: string;
  system?: string;
  lifecycle: string;
  tags: string[];
}

/**
 * The dataset name (trimmed) and, when registering a folder of storage, that folder ending in
 * `/`. Throws an InputError naming the input when the name, a tag or the location is not valid,
 * or unless exactly one of `files` and `location` is given.
 */
export function checkRegisterInput(input: {
  name: string;
  files?: string[];
  location?: string;
  tags: string[];
}): { name: string; location?: string } {
  const name = input.name.trim();
  if (!DATASET_NAME.test(name) || name.length > 63) {
    throw new InputError(
      `name: "${input.name}" is not a valid dataset name; use 1 to 63 lowercase letters, digits and single - _ . between them, such as "sales-2024".`,
    );
  }
  const hasFiles = input.files !== undefined;
  const hasLocation = input.location !== undefined;
  if (hasFiles === hasLocation) {
    throw new InputError(
      'Give either "files" (upload from the task workspace) or "location" (a folder already in storage), not both and not neither.',
    );
  }
  const badTag = input.tags.find(t => !TAG.test(t));
  if (badTag !== undefined) {
    throw new InputError(
      `tags: "${badTag}" is not valid; use lowercase letters, digits and - (at most 63).`,
    );
  }
  if (input.location === undefined) return { name };
  const location = input.location.trim().replace(/\/?$/, '/');
  const match = S3_LOCATION.exec(location);
  if (
    !match ||
    match[2].split('/').some(segment => segment === '.' || segment === '..')
  ) {
    throw new InputError(
      `location: "${input.location}" is not a storage folder; use s3://<bucket>/<folder>/ without "." or ".." segments.`,
    );
  }
  return { name, location };
}

/** The fields of a registration the backend writes into the Dataset entity, tags aside. */
function registrationFields(
  name: string,
  dataset: DatasetDescription,
): Record<string, string> {
  return {
    name,
    ...(dataset.format ? { format: dataset.format } : {}),
    ...(dataset.description ? { description: dataset.description } : {}),
    ...(dataset.owner ? { owner: dataset.owner } : {}),
    ...(dataset.system ? { system: dataset.system } : {}),
    lifecycle: dataset.lifecycle,
  };
}

/**
 * The multipart body of `POST /datasets/upload`: the fields first, then the files, since the
 * backend reads the name before storing files. The files are opened as blobs, read when sent.
 */
export async function uploadForm(
  name: string,
  dataset: DatasetDescription,
  files: WorkspaceFile[],
): Promise<FormData> {
  const form = new FormData();
  for (const [key, value] of Object.entries(
    registrationFields(name, dataset),
  )) {
    form.append(key, value);
  }
  if (dataset.tags.length) form.append('tags', dataset.tags.join(','));
  for (const file of files) {
    form.append('files', await openAsBlob(file.absolutePath), file.name);
  }
  return form;
}

/** The JSON body of `POST /datasets/register` for a folder already in storage. */
export function registerBody(
  name: string,
  dataset: DatasetDescription,
  location: string,
): RegisterDatasetRequest {
  return {
    ...registrationFields(name, dataset),
    name,
    tags: dataset.tags,
    location,
  };
}
