import { DocumentDecoratorFactory } from '@backstage/plugin-search-common';
import { Transform } from 'node:stream';

/**
 * Document type of the catalog's own collator (`@backstage/plugin-search-backend-module-catalog`).
 *
 * @public
 */
export const CATALOG_DOCUMENT_TYPE = 'software-catalog';

/**
 * Entity kinds that KAML-D indexes itself (documents of type `kaml-d-dataset` and
 * `kaml-d-model`), so the catalog's documents of them are dropped: one search hit per entity.
 *
 * @public
 */
export const KAML_D_INDEXED_KINDS = ['Dataset', 'Model'];

/**
 * A decorator of the catalog's documents that leaves out the kinds KAML-D indexes with more
 * (columns, framework, task): without it every Dataset and Model is found twice, once as a
 * catalog document and once as KAML-D's.
 *
 * @public
 */
export class CatalogKindsDecoratorFactory implements DocumentDecoratorFactory {
  readonly types = [CATALOG_DOCUMENT_TYPE];
  private readonly kinds: Set<string>;

  constructor(kinds: string[] = KAML_D_INDEXED_KINDS) {
    this.kinds = new Set(kinds.map(k => k.toLowerCase()));
  }

  async getDecorator(): Promise<Transform> {
    const kinds = this.kinds;
    return new Transform({
      objectMode: true,
      transform(document: { kind?: unknown }, _encoding, done) {
        const kind =
          typeof document?.kind === 'string' ? document.kind.toLowerCase() : '';
        if (kinds.has(kind)) done();
        else done(null, document);
      },
    });
  }
}
