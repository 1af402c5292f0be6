// runs-tab: the Runs tab's backend call for a model with 200 training Jobs and 2,000 pods.
//
// Against the rig's Kubernetes (e2e/.rig/rig.env, loaded from the file when KAML_RIG_* is not in
// the environment): in a throwaway namespace, 200 Jobs (suspended, so the Job controller adds no
// pods of its own) and 2,000 bare pods bound to a kwok node, all labelled kaml-d.io/model=<model>
// and each pod with the batch.kubernetes.io/job-name label of one Job; created in parallel with
// the admin kubeconfig. Then the Runs service as the backend builds it (bundled from
// plugins/kaml-d-backend/src/services/Runs, Backstage's memory cache, the portal ServiceAccount's
// token) is called through a counting HTTP proxy in front of the API server:
//   - cold: the service cache emptied before each call (catalog lookup + the label-selected lists)
//   - warm: the answer cached (cacheSeconds), as the tab's refreshes within the TTL are
//   - API requests per call, by kind (list / get), counted by the proxy
// vs a per-pod approach through the same proxy: list the model's Jobs, then GET every pod
// (pod names handed to it for free, which favours the baseline).
// Last line: `runs-tab: <per-pod API requests / Runs-call API requests>` (target ≥ 20; also
// list requests per call ≤ 3, no per-pod GETs, p95 warm ≤ 300 ms). The namespace is deleted at
// the end, also on failure.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, requireFromRoot } from './discovery-build.ts';
import {
  ConfigReader,
  type Counts,
  loadRuns,
  pool,
  rigEnv,
  startProxy,
} from './lib/runs-tab-lib.ts';

const JOBS = 200;
const PODS_PER_JOB = 10;
const MODEL = 'bench-runs-model';
const PARALLEL = 32;
const COLD_CALLS = 10;
const WARM_CALLS = 200;
const LABEL = 'kaml-d.io/model';

async function main() {
  const env = rigEnv();
  const k8s = requireFromRoot('@kubernetes/client-node');
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(env.KAML_RIG_KUBECONFIG_ADMIN);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const batch = admin.makeApiClient(k8s.BatchV1Api);
  const namespace = `kaml-bench-runs-${randomBytes(4).toString('hex')}`;
  const ca = readFileSync(env.KAML_RIG_KUBE_CA, 'utf8');

  const nodes = await core.listNode();
  const node =
    nodes.items
      .map((n: any) => n.metadata?.name as string)
      .find((n: string) => n.startsWith('kwok-cpu')) ??
    nodes.items[0]?.metadata?.name;
  if (!node) throw new Error('the rig cluster has no node');

  const proxy = await startProxy(env.KAML_RIG_KUBE_URL, ca);
  try {
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: { 'app.kubernetes.io/part-of': 'kaml-d-bench' },
        },
      },
    });
    // the namespace is a training namespace: the portal may read its TrainJobs there, as the
    // chart and the rig bind kaml-d-portal-train in kaml-d-training (without it every TrainJob
    // list is refused, and a partial answer is never cached)
    await admin
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name: 'kaml-d-portal-train' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: 'kaml-d-portal-train',
          },
          subjects: [
            {
              kind: 'ServiceAccount',
              name: 'kaml-d-portal',
              namespace: 'kaml-d-system',
            },
          ],
        },
      });
    // ---- fixtures
    const jobNames = Array.from(
      { length: JOBS },
      (_, i) => `train-${MODEL}-${String(i).padStart(3, '0')}`,
    );
    let t0 = performance.now();
    await pool(jobNames, PARALLEL, name =>
      batch.createNamespacedJob({
        namespace,
        body: {
          metadata: { name, labels: { [LABEL]: MODEL } },
          spec: {
            suspend: true,
            backoffLimit: 0,
            template: {
              metadata: { labels: { [LABEL]: MODEL } },
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'train',
                    image: 'registry.example/trainer:1.0',
                    resources: {
                      requests: {
                        cpu: '1',
                        memory: '1Gi',
                        'nvidia.com/gpu': '1',
                      },
                      limits: {
                        cpu: '1',
                        memory: '1Gi',
                        'nvidia.com/gpu': '1',
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      }),
    );
    const podNames = jobNames.flatMap(job =>
      Array.from({ length: PODS_PER_JOB }, (_, i) => ({
        job,
        name: `${job}-${i}`,
      })),
    );
    await pool(podNames, PARALLEL, ({ job, name }) =>
      core.createNamespacedPod({
        namespace,
        body: {
          metadata: {
            name,
            labels: {
              [LABEL]: MODEL,
              'batch.kubernetes.io/job-name': job,
              'job-name': job,
            },
          },
          spec: {
            nodeName: node,
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            containers: [
              { name: 'train', image: 'registry.example/trainer:1.0' },
            ],
          },
        },
      }),
    );
    const createMs = performance.now() - t0;

    // ---- the Runs service
    const lib = loadRuns();
    const { CacheManager } = requireFromRoot(
      '@backstage/backend-defaults/cache',
    );
    const { ConfigReader } = requireFromRoot('@backstage/config');
    const cache = CacheManager.fromConfig(
      new ConfigReader({ backend: { cache: { store: 'memory' } } }),
    ).forPlugin('kaml-d');
    const entity = {
      apiVersion: 'kaml-d.io/v1alpha1',
      kind: 'Model',
      metadata: { name: MODEL, namespace: 'default' },
      spec: { owner: 'group:default/data-science' },
    };
    const catalog: any = { getEntityByRef: async () => entity };
    const service = lib.createRunsService({
      // kamlD.kubernetes read as the backend reads it, pointed at the counting proxy
      cluster: lib.readKamlDClusterAccess(
        new ConfigReader({
          kamlD: {
            kubernetes: {
              url: proxy.url,
              token: env.KAML_RIG_KUBE_PORTAL_TOKEN,
              caData: proxy.caPem,
              trainingNamespace: namespace,
              modelsNamespace: namespace,
            },
          },
        }),
      ),
      catalog,
      cache,
      cacheSeconds: 600,
    });
    const credentials: any = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    };
    const ref = { kind: 'model', namespace: 'default', name: MODEL };
    const cacheKey = `runs:${namespace}:${namespace}:model:default/${MODEL}`;

    // cold: cache emptied before each call
    const cold: number[] = [];
    const coldRequests: Counts[] = [];
    let answer: any;
    for (let i = 0; i < COLD_CALLS; i++) {
      await cache.delete(cacheKey);
      proxy.reset();
      t0 = performance.now();
      answer = await service.runs(ref, credentials);
      cold.push(performance.now() - t0);
      coldRequests.push(proxy.counts());
    }
    if (answer.error) throw new Error(`Runs call failed: ${answer.error}`);
    if (answer.errors?.length) {
      throw new Error(
        `Runs call answered in part: ${JSON.stringify(answer.errors)}`,
      );
    }
    const podsSeen = answer.runs.reduce(
      (n: number, r: any) => n + r.pods.length,
      0,
    );
    if (answer.runs.length !== JOBS || podsSeen !== JOBS * PODS_PER_JOB) {
      throw new Error(
        `Runs call saw ${
          answer.runs.length
        } runs and ${podsSeen} pods, expected ${JOBS} and ${
          JOBS * PODS_PER_JOB
        }`,
      );
    }
    const gpus = answer.runs.reduce((n: number, r: any) => n + r.gpus, 0);

    // warm: served from the cache
    const warm: number[] = [];
    proxy.reset();
    for (let i = 0; i < WARM_CALLS; i++) {
      t0 = performance.now();
      await service.runs(ref, credentials);
      warm.push(performance.now() - t0);
    }
    const warmRequests = proxy.counts();

    // ---- per-pod approach: list the model's Jobs, then GET each pod, through the same proxy
    const portal = new k8s.KubeConfig();
    portal.loadFromClusterAndUser(
      {
        name: 'proxy',
        server: proxy.url,
        caData: Buffer.from(proxy.caPem).toString('base64'),
        skipTLSVerify: false,
      },
      { name: 'portal', token: env.KAML_RIG_KUBE_PORTAL_TOKEN },
    );
    const portalCore = portal.makeApiClient(k8s.CoreV1Api);
    const portalBatch = portal.makeApiClient(k8s.BatchV1Api);
    proxy.reset();
    t0 = performance.now();
    const jobs = await portalBatch.listNamespacedJob({
      namespace,
      labelSelector: `${LABEL}=${MODEL}`,
    });
    const fetched: any[] = [];
    await pool(podNames, 16, async ({ name }) => {
      fetched.push(await portalCore.readNamespacedPod({ namespace, name }));
    });
    const perPodMs = performance.now() - t0;
    const perPod = proxy.counts();
    if (jobs.items.length !== JOBS || fetched.length !== podNames.length) {
      throw new Error('per-pod approach did not read every job and pod');
    }

    const callRequests = coldRequests[0];
    const total = (c: Counts) => c.list + c.get + c.discovery + c.other;
    const callTotal = total(callRequests);
    const perPodTotal = total(perPod);
    const ratio = perPodTotal / Math.max(1, callTotal);
    const p95Warm = percentile(warm, 95);
    const p95Cold = percentile(cold, 95);
    console.log(
      `fixtures: ${JOBS} Jobs + ${
        podNames.length
      } pods (node ${node}) in namespace ${namespace}, created in ${(
        createMs / 1000
      ).toFixed(1)} s with ${PARALLEL} in flight`,
    );
    console.log(
      `Runs call answer: ${answer.runs.length} runs, ${podsSeen} pods, ${gpus} GPUs, ${answer.deployments.length} deployments`,
    );
    console.log(
      `Runs call, cold (service cache emptied), ${COLD_CALLS} calls: p50 ${percentile(
        cold,
        50,
      ).toFixed(0)} ms, p95 ${p95Cold.toFixed(0)} ms; API requests per call: ${
        callRequests.list
      } list + ${callRequests.get} get + ${
        callRequests.discovery
      } discovery + ${callRequests.other} other (${callRequests.paths.join(
        ', ',
      )})`,
    );
    console.log(
      `Runs call, warm (cached), ${WARM_CALLS} calls: p50 ${percentile(
        warm,
        50,
      ).toFixed(2)} ms, p95 ${p95Warm.toFixed(
        2,
      )} ms (target ≤ 300); API requests: ${total(warmRequests)}`,
    );
    console.log(
      `per-pod approach: ${perPod.list} list + ${
        perPod.get
      } get = ${perPodTotal} API requests in ${perPodMs.toFixed(0)} ms`,
    );
    // Jobs, pods and Deployments, then one list per custom kind the cluster serves
    const customKinds = new Set(
      coldRequests[0].paths.filter(p =>
        /^GET \/apis\/[^/]*kubeflow\.org\/[^/]+\/namespaces\//.test(p),
      ),
    ).size;
    const listBound = 3 + customKinds;
    const everyCold = coldRequests.every(
      c => c.list <= listBound && c.get === 0,
    );
    console.log(
      `targets: list requests per call ≤ 3 + ${customKinds} served custom kinds ${
        everyCold ? 'met' : 'MISSED'
      } (${callRequests.list}), no per-pod GETs ${
        callRequests.get === 0 ? 'met' : 'MISSED'
      }, ratio ≥ 20 ${ratio >= 20 ? 'met' : 'MISSED'}, p95 warm ≤ 300 ms ${
        p95Warm <= 300 ? 'met' : 'MISSED'
      } (cold p95 ${p95Cold.toFixed(0)} ms ${
        p95Cold <= 300 ? 'also ≤ 300' : 'over 300'
      })`,
    );
    await cleanUp(core, namespace);
    console.log(`runs-tab: ${ratio.toFixed(1)}`);
  } catch (e) {
    await cleanUp(core, namespace).catch(() => undefined);
    throw e;
  } finally {
    proxy.server.close();
  }
}

let cleaned = false;
async function cleanUp(core: any, namespace: string) {
  if (cleaned) return;
  cleaned = true;
  const t0 = performance.now();
  try {
    await core.deleteNamespace({
      name: namespace,
      propagationPolicy: 'Background',
    });
  } catch (e: any) {
    if (e?.code !== 404) throw e;
  }
  // wait until the namespace (and its 2,200 objects) is gone, up to 3 minutes
  for (let i = 0; i < 180; i++) {
    try {
      await core.readNamespace({ name: namespace });
    } catch (e: any) {
      if (e?.code === 404) {
        console.log(
          `cleanup: namespace ${namespace} deleted in ${(
            (performance.now() - t0) /
            1000
          ).toFixed(1)} s`,
        );
        return;
      }
      throw e;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  console.log(
    `cleanup: namespace ${namespace} still terminating after 180 s (deletion continues)`,
  );
}

await main();
