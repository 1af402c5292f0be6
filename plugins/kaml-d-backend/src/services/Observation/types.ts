import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ObservationResponse,
  SreOverviewResponse,
} from '@kaml-d/plugin-kaml-d-common';
import { KamlDObservedCluster } from '@kaml-d/plugin-kaml-d-node';
import { TelemetryConfig } from '../Telemetry/types';

/** A Kubernetes cluster the Observation Hub reads, with its client configuration. */
export type ObservationClusterConfig = KamlDObservedCluster;

/** A custom resource whose `status.conditions` are read beside Deployments, pods and Jobs. */
export interface ObservationCustomResource {
  group: string;
  version: string;
  plural: string;
}

/** A Prometheus instance. */
export interface ObservationPrometheusConfig {
  name: string;
  url: string;
}

/** `kamlD.observation`, parsed once. */
export interface ObservationConfig {
  clusters: ObservationClusterConfig[];
  /** Use the pod's service account when no cluster is configured and the backend runs in one. */
  inCluster: boolean;
  customResources: ObservationCustomResource[];
  prometheus: ObservationPrometheusConfig[];
  /** Per-install overrides of the preset queries, by panel id. */
  queries: Record<string, string>;
  /**
   * Origins (`kamlD.bindings.trustedOrigins`) whose entities may override a panel's query with a
   * `kaml-d.io/promql-<panel>` annotation; other entities' annotations are ignored with a note.
   */
  trustedOrigins: ReadonlySet<string>;
  /** Deep links with `{{id}}`, `{{namespace}}`, `{{name}}`, `{{kind}}` placeholders. */
  links: Array<{ title: string; url: string }>;
  /** Log and trace tools (`kamlD.observation.logs`, `kamlD.observation.traces`). */
  telemetry?: TelemetryConfig;
  cacheSeconds: number;
  timeoutMs: number;
  /** Warning events younger than this are shown. */
  eventMaxAgeMinutes: number;
}

/** The Observation Hub: health of one entity from Kubernetes and Prometheus. */
export interface ObservationService {
  observe(
    ref: CompoundEntityRef,
    range: string,
    credentials: BackstageCredentials,
  ): Promise<ObservationResponse>;
  /** The platform for SREs: nodes and GPUs, failed runs, unhealthy endpoints, firing alerts. */
  overview(credentials: BackstageCredentials): Promise<SreOverviewResponse>;
}
