import { createHash } from 'node:crypto';
import { createReadStream, Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createServiceFactory,
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
  isChildPath,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadTreeResponseFactory,
  urlReaderFactoriesServiceRef,
} from '@backstage/backend-defaults/urlReader';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';
import { isPathInside } from './paths';
import { readLocalProjectsRoot } from './publishLocalConfig';

const GLOB = /[*?[\]{}]/;

function pathOf(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol !== 'file:') {
    throw new InputError(`${parsed} is not a file: URL`);
  }
  return resolve(fileURLToPath(parsed));
}

function etagOf(parts: Array<[string, Stats]>): string {
  const hash = createHash('sha256');
  for (const [path, s] of parts) {
    hash.update(`${path}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Reads `file:` URLs inside the local projects root (`kamlD.localProjects.root`) and nothing
 * else, so `catalog:register` can register what `kaml-d:publish:local` published. Symbolic links
 * are followed only when their target stays inside the root.
 * @public
 */
export class LocalProjectsUrlReader implements UrlReaderService {
  /** The factory for `urlReaderFactoriesServiceRef`: one reader, for file: URLs in the root. */
  static factory: ReaderFactory = ({ config, treeResponseFactory }) => {
    const root = readLocalProjectsRoot(config);
    const reader = new LocalProjectsUrlReader(root, treeResponseFactory);
    return [{ predicate: url => reader.handles(url), reader }];
  };

  private readonly root: string;

  constructor(
    root: string,
    private readonly treeResponseFactory?: ReadTreeResponseFactory,
  ) {
    this.root = resolve(root);
  }

  /** Whether `url` is a file: URL whose path lies in the projects root. */
  handles(url: URL): boolean {
    if (url.protocol !== 'file:' || (url.host && url.host !== 'localhost')) {
      return false;
    }
    return isPathInside(this.root, resolve(fileURLToPath(url)));
  }

  /** The real path of `url`, refused when it (or a link on the way) leaves the root. */
  private async locate(url: string | URL): Promise<string> {
    const path = pathOf(url);
    if (!isPathInside(this.root, path)) {
      throw new NotAllowedError(
        `${url} is outside the local projects folder and cannot be read`,
      );
    }
    let real: string;
    let realRoot: string;
    try {
      [real, realRoot] = await Promise.all([
        realpath(path),
        realpath(this.root),
      ]);
    } catch {
      throw new NotFoundError(`${url} does not exist`);
    }
    if (!isChildPath(realRoot, real)) {
      throw new NotAllowedError(
        `${url} links outside the local projects folder and cannot be read`,
      );
    }
    return real;
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const path = await this.locate(url);
    const s = await stat(path);
    if (!s.isFile()) throw new NotFoundError(`${url} is not a file`);
    const etag = etagOf([[path, s]]);
    if (options?.etag === etag) throw new NotModifiedError();
    if (options?.lastModifiedAfter && s.mtime <= options.lastModifiedAfter) {
      throw new NotModifiedError();
    }
    return {
      buffer: () => readFile(path),
      stream: () => createReadStream(path),
      etag,
      lastModifiedAt: s.mtime,
    };
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    if (!this.treeResponseFactory) {
      throw new NotAllowedError('this reader was built without tree support');
    }
    const dir = await this.locate(url);
    if (!(await stat(dir)).isDirectory()) {
      throw new NotFoundError(`${url} is not a folder`);
    }
    const files: Array<[string, Stats]> = [];
    const walk = async (folder: string) => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        if (entry.name === '.git') continue;
        const full = join(folder, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) {
          const s = await stat(full);
          const rel = relative(dir, full);
          if (!options?.filter || options.filter(rel, { size: s.size })) {
            files.push([full, s]);
          }
        }
      }
    };
    await walk(dir);
    files.sort(([a], [b]) => a.localeCompare(b));
    const etag = etagOf(files);
    if (options?.etag === etag) throw new NotModifiedError();
    return this.treeResponseFactory.fromReadableArray(
      files.map(([full, s]) => ({
        data: createReadStream(full),
        path: relative(dir, full),
        lastModifiedAt: s.mtime,
      })),
    );
  }

  async search(
    url: string,
    options?: UrlReaderServiceSearchOptions,
  ): Promise<UrlReaderServiceSearchResponse> {
    if (GLOB.test(decodeURIComponent(new URL(url).pathname))) {
      throw new InputError(
        `${url}: patterns are not supported for local projects; name one file`,
      );
    }
    try {
      const file = await this.readUrl(url, { etag: options?.etag });
      return {
        files: [
          { url, content: file.buffer, lastModifiedAt: file.lastModifiedAt },
        ],
        etag: file.etag ?? '',
      };
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') return { files: [], etag: '' };
      throw e;
    }
  }

  toString(): string {
    return `kaml-d-local-projects{root=${this.root}}`;
  }
}

/**
 * Adds {@link LocalProjectsUrlReader} to every plugin's UrlReader (the catalog's included), so
 * locations published by `kaml-d:publish:local` can be registered:
 * `backend.add(localProjectsUrlReaderServiceFactory)`.
 * @public
 */
export const localProjectsUrlReaderServiceFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalProjectsUrlReader.factory;
  },
});
