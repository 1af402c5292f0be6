import { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { DatasetEntity } from '@kaml-d/plugin-kaml-d-common';
import { VolumeApi, VolumeSnapshotObject } from '../kube';
import { VolumeDataset } from '../volumeState';

// A cluster in memory for the unit tests of volume snapshots (the rig tests use a real one).

export const NS = 'kaml-d-training';

/** A cluster in memory: snapshots become ready after `readyAfter` reads; claims bind on create. */
export function fakeCluster(
  options: { readyAfter?: number; down?: boolean } = {},
) {
  const claims = new Map<string, V1PersistentVolumeClaim>();
  const snapshots = new Map<string, VolumeSnapshotObject>();
  const reads = new Map<string, number>();
  const deleted: string[] = [];
  const check = () => {
    if (options.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
  };
  const api: VolumeApi = {
    async getClaim(_ns, name) {
      check();
      return claims.get(name);
    },
    async createClaim(_ns, claim) {
      const bound = { ...claim, status: { phase: 'Bound' } };
      claims.set(claim.metadata!.name!, bound);
      return bound;
    },
    async createSnapshot(ns, s) {
      check();
      const created = {
        ...s,
        metadata: {
          ...s.metadata,
          namespace: ns,
          creationTimestamp: new Date().toISOString(),
        },
      };
      snapshots.set(s.metadata.name, created);
      return created;
    },
    async getSnapshot(_ns, name) {
      check();
      const s = snapshots.get(name);
      if (!s) return undefined;
      const n = (reads.get(name) ?? 0) + 1;
      reads.set(name, n);
      if (options.readyAfter !== undefined && n >= options.readyAfter) {
        s.status = {
          readyToUse: true,
          restoreSize: '2Gi',
          boundVolumeSnapshotContentName: `snapcontent-${name}`,
        };
      }
      return s;
    },
    async listSnapshots(_ns, selector) {
      check();
      const [key, value] = selector.split('=');
      return [...snapshots.values()].filter(
        s => s.metadata.labels?.[key] === value,
      );
    },
    async listAllSnapshots(selector) {
      check();
      const wanted = selector.split(',').map(p => p.split('='));
      return [...snapshots.values()].filter(s =>
        wanted.every(([k, v]) =>
          v === undefined
            ? s.metadata.labels?.[k] !== undefined
            : s.metadata.labels?.[k] === v,
        ),
      );
    },
    async deleteSnapshot(_ns, name) {
      deleted.push(name);
      snapshots.delete(name);
    },
  };
  claims.set('traffic', {
    metadata: {
      name: 'traffic',
      namespace: NS,
      labels: { 'kaml-d.io/dataset': 'traffic' },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '1Gi' } },
    },
    status: { phase: 'Bound' },
  });
  return { api, claims, snapshots, deleted, options };
}

export const entity = {
  apiVersion: 'kaml-d.io/v1alpha1',
  kind: 'Dataset',
  metadata: { name: 'traffic', namespace: 'default' },
  spec: {
    type: 'table',
    owner: 'group:default/data',
    format: 'binary',
    location: `pvc://rig/${NS}/traffic`,
  },
} as unknown as DatasetEntity;
export const dataset: VolumeDataset = {
  entity,
  entityRef: 'dataset:default/traffic',
  location: { cluster: 'rig', namespace: NS, name: 'traffic' },
};
