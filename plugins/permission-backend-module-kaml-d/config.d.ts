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
      /**
       * Roles held on some projects only. Members of `groups` get the permissions of `role` on
       * Datasets and Models whose project is one of `projects`: the entity's
       * `kaml-d.io/project` annotation, or else its `spec.system` (system name). Datasets with
       * a `pii` column stay limited to their owners. Upload and audit read, which target no
       * entity, are not granted by project roles. `admin` cannot be limited to projects.
       *
       * @example
       * ```yaml
       * projectRoles:
       *   - role: data-scientist
       *     groups: [fraud-analysts]
       *     projects: [fraud-detection]
       * ```
       */
      projectRoles?: Array<{
        /** One of data-scientist, data-engineer, sre. */
        role: 'data-scientist' | 'data-engineer' | 'sre';
        /** Group references (`group:default/fraud-analysts`) or short names. */
        groups: string[];
        /** Project names. */
        projects: string[];
      }>;
    };
  };
}
