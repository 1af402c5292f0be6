export interface Config {
  kamlD?: {
    permissions?: {
      /**
       * Groups whose members have each KAML-D role, as group references
       * (`group:default/admins`) or short names (`admins`). A role left out keeps its
       * default: data-scientist ← data-science, data-engineer ← data-engineering,
       * sre ← ml-platform-sre, admin ← admins.
       *
       * Roles grant: data-scientist — dataset preview and query, model train, version promote;
       * data-engineer — dataset preview, query, upload, snapshot restore; sre — dataset
       * preview, model deploy, version promote, audit read; admin — everything. Owners of a
       * Dataset or Model may always act on it; datasets with a `pii` column are previewed and
       * queried by their owners and admins only.
       */
      roles?: {
        'data-scientist'?: string[];
        'data-engineer'?: string[];
        sre?: string[];
        admin?: string[];
      };
    };
  };
}
