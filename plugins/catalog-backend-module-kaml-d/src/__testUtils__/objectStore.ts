import { Entity } from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { originLocationRef } from '@kaml-d/plugin-kaml-d-node';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the object-store provider tests share: the bucket, a declared Dataset, manifests,
 * an in-process events service and a writer of objects below a storage root.
 */

export const bucket = 'kaml-datasets';

/** Where the admin's own catalog file is read from (a trusted origin in the config below). */
export const SEED = originLocationRef('file', 'catalog/all.yaml');
export const HOSTILE = 'url:https://git.example.com/mallory/catalog-info.yaml';

export const declared: Entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: {
    name: 'finance-transactions',
    annotations: {
      'backstage.io/managed-by-location': SEED,
      'backstage.io/managed-by-origin-location': SEED,
    },
  },
  spec: {
    owner: 'data-engineering',
    lifecycle: 'production',
    format: 'csv',
    location: 's3://kaml-datasets/finance-transactions/',
  },
};

export function manifest(name: string, location: string): Entity {
  return {
    apiVersion: 'kaml-d.io/v1alpha1',
    kind: 'Dataset',
    metadata: {
      name,
      description: 'Uploaded sales',
      tags: ['sales'],
      labels: { team: 'bi' },
    },
    spec: {
      owner: 'user:default/alice',
      lifecycle: 'experimental',
      format: 'csv',
      location,
      size: { bytes: 1, files: 1 },
    },
  };
}

export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
}

/** In-process events: publish calls the subscribers. */
export function localEvents(): EventsService {
  const handlers: Array<{
    topics: string[];
    onEvent: (p: EventParams) => Promise<void>;
  }> = [];
  return {
    async publish(params) {
      for (const h of handlers) {
        if (h.topics.includes(params.topic)) await h.onEvent(params);
      }
    },
    async subscribe(options) {
      handlers.push(options);
    },
  };
}

export function write(root: string, key: string, body: string | Buffer) {
  const path = join(root, bucket, key);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
}
