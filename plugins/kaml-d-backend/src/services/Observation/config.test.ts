import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { LEGACY_OBSERVED_CLUSTERS_WARNING } from '@kaml-d/plugin-kaml-d-node';
import { readObservationConfig } from './config';

const kubernetes = {
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'ml-prod',
          url: 'https://ml.example.com',
          authProvider: 'serviceAccount',
          serviceAccountToken: 't',
        },
      ],
    },
  ],
};

describe('readObservationConfig', () => {
  it('observes the workload cluster of the Kubernetes plugin without a cluster list of its own', () => {
    const logger = mockServices.logger.mock();
    const config = readObservationConfig(
      new ConfigReader({ kubernetes, kamlD: { workloadCluster: 'ml-prod' } }),
      logger,
    );
    expect(config.clusters.map(c => [c.name, c.server])).toEqual([
      ['ml-prod', 'https://ml.example.com'],
    ]);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('logs the deprecation of kamlD.observation.kubernetes.clusters and still reads them', () => {
    const logger = mockServices.logger.mock();
    const config = readObservationConfig(
      new ConfigReader({
        kamlD: {
          observation: {
            kubernetes: {
              clusters: [{ name: 'old', url: 'https://old.example.com' }],
            },
          },
        },
      }),
      logger,
    );
    expect(config.clusters.map(c => c.name)).toEqual(['old']);
    expect(logger.warn).toHaveBeenCalledWith(LEGACY_OBSERVED_CLUSTERS_WARNING);
  });

  it('refuses a deprecated cluster list naming one cluster twice', () => {
    expect(() =>
      readObservationConfig(
        new ConfigReader({
          kamlD: {
            observation: {
              kubernetes: {
                clusters: [
                  { name: 'a', url: 'https://a.example.com' },
                  { name: 'a', url: 'https://b.example.com' },
                ],
              },
            },
          },
        }),
      ),
    ).toThrow(
      'kamlD.observation.kubernetes.clusters names "a" twice; give every entry its own name',
    );
  });
});
