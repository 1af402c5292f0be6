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
       * preview, model deploy, version promote, audit read; admin — everything, including
       * naming any owner for an upload or registration (`kaml-d.dataset.assign-owner`). Owners
       * of a Dataset or Model may always act on it (adding files to a dataset,
       * `kaml-d.dataset.write`, is for its owners and admins only); datasets with a `pii`
       * column are previewed and queried by their owners and admins only.
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
      /**
       * The decision on permissions that are not KAML-D's (catalog, scaffolder, kubernetes, …).
       * Admins are always allowed. Otherwise the first rule one of whose `permissions` names the
       * permission decides: `allow: signed-in` allows every signed-in user, `allow: admins` (the
       * default) allows admins plus the members of the rule's `groups` and `roles`; a permission
       * no rule names gets `default`.
       *
       * Left out, every signed-in user is allowed every such permission: permissive on purpose
       * for the embedded demo. `app-config.production.yaml` ships `default: deny` with catalog,
       * template and cluster reads for every signed-in user; running templates, creating
       * locations and refreshing entities for members of the KAML-D roles; everything else
       * (deleting locations and entities, the Kubernetes proxy, template management, …) for
       * admins only.
       *
       * @example
       * ```yaml
       * basePolicy:
       *   default: deny
       *   rules:
       *     - permissions: [catalog.entity.read, catalog.location.read]
       *       allow: signed-in
       *     - permissions: [catalog.location.create, 'scaffolder.*']
       *       groups: [platform-team]
       *       roles: [data-engineer]
       * ```
       */
      basePolicy?: {
        /** What a permission no rule names gets (default allow). */
        default?: 'allow' | 'deny';
        rules?: Array<{
          /**
           * Permission names, such as `catalog.location.create`; an entry ending in `*` matches
           * every name it begins (`scaffolder.*`).
           */
          permissions: string[];
          /** `signed-in`: every signed-in user; `admins` (default): admins, groups and roles. */
          allow?: 'signed-in' | 'admins';
          /** Groups allowed besides admins: references or short names. */
          groups?: string[];
          /** KAML-D roles whose members are allowed besides admins. */
          roles?: Array<'data-scientist' | 'data-engineer' | 'sre' | 'admin'>;
        }>;
      };
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
