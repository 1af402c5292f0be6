import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isChildPath } from '@backstage/backend-plugin-api';
import { isPathInside } from './paths';

/** The file the backend writes beside the data; an upload may not contain one. */
const MANIFEST_NAME = 'catalog-info.yaml';
/** Files accepted in one upload by the backend. */
export const MAX_REGISTER_FILES = 1000;

/** A file of the task workspace to upload, with the name it gets in the dataset. */
export interface WorkspaceFile {
  absolutePath: string;
  name: string;
  size: number;
}

/**
 * The files named by `files` (workspace-relative paths of files or folders; a folder is uploaded
 * with its sub-folders, names relative to it). Every path must stay inside the workspace, also
 * through symbolic links. Throws an InputError naming the entry otherwise, or when nothing is
 * left to upload.
 */
export async function collectWorkspaceFiles(
  workspacePath: string,
  files: string[],
): Promise<WorkspaceFile[]> {
  let root: string;
  try {
    root = await fs.realpath(workspacePath);
  } catch {
    throw new InputError(
      `The task workspace ${workspacePath} does not exist; fetch the files into it first (fetch:plain, …).`,
    );
  }
  const result: WorkspaceFile[] = [];
  const names = new Set<string>();
  const add = (file: WorkspaceFile, entry: string) => {
    if (names.has(file.name)) {
      throw new InputError(
        `files: two entries give a file the name "${file.name}" (the last from "${entry}"); rename one.`,
      );
    }
    if (file.name === MANIFEST_NAME) {
      throw new InputError(
        `files: "${entry}" holds a file called ${MANIFEST_NAME} at the top; the registration writes that file itself, rename or remove it.`,
      );
    }
    names.add(file.name);
    result.push(file);
    if (result.length > MAX_REGISTER_FILES) {
      throw new InputError(
        `files: more than ${MAX_REGISTER_FILES} files; register the rest as another dataset or point at storage with "location".`,
      );
    }
  };

  const walk = async (dir: string, prefix: string, entry: string) => {
    const children = await fs.readdir(dir, { withFileTypes: true });
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      const full = path.join(dir, child.name);
      const real = await fs.realpath(full);
      if (!isChildPath(root, real)) {
        throw new InputError(
          `files: "${entry}" contains ${path.relative(
            root,
            full,
          )}, a link that leads out of the task workspace.`,
        );
      }
      const stat = await fs.stat(real);
      if (stat.isDirectory()) {
        await walk(real, `${prefix}${child.name}/`, entry);
      } else if (stat.isFile()) {
        add(
          {
            absolutePath: real,
            name: `${prefix}${child.name}`,
            size: stat.size,
          },
          entry,
        );
      }
    }
  };

  for (const entry of files) {
    const trimmed = entry.trim();
    if (!trimmed || path.isAbsolute(trimmed)) {
      throw new InputError(
        `files: "${entry}" must be a path relative to the task workspace, such as "data" or "data/train.csv".`,
      );
    }
    const full = path.resolve(root, trimmed);
    if (!isPathInside(root, full)) {
      throw new InputError(
        `files: "${entry}" leads out of the task workspace; name a file or folder inside it.`,
      );
    }
    let real: string;
    try {
      real = await fs.realpath(full);
    } catch {
      throw new InputError(
        `files: "${entry}" does not exist in the task workspace; check the path or the step that fetches it.`,
      );
    }
    if (!isChildPath(root, real)) {
      throw new InputError(
        `files: "${entry}" is a link that leads out of the task workspace.`,
      );
    }
    const stat = await fs.stat(real);
    if (stat.isDirectory()) {
      await walk(real, '', entry);
    } else if (stat.isFile()) {
      add(
        { absolutePath: real, name: path.basename(real), size: stat.size },
        entry,
      );
    } else {
      throw new InputError(`files: "${entry}" is neither a file nor a folder.`);
    }
  }
  if (result.length === 0) {
    throw new InputError(
      `files: ${files
        .map(f => `"${f}"`)
        .join(', ')} hold no files; nothing would be uploaded.`,
    );
  }
  return result;
}
