import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { ModelEntityV1alpha1 } from '@kaml-d/plugin-kaml-d-common';
import { screen, within } from '@testing-library/react';
import {
  catalogEntities,
  churnPredictor,
  fraudDetector,
} from '../__fixtures__/entities';
import { ModelAboutCard } from './ModelAboutCard';
import { ModelServingCard } from './ModelServingCard';
import { ModelTrainedOnCard } from './ModelTrainedOnCard';

async function renderModel(
  entity: Entity,
  entities: Entity[] = catalogEntities,
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <ModelAboutCard />
      <ModelTrainedOnCard />
      <ModelServingCard />
    </EntityProvider>,
    {
      apis: [[catalogApiRef, catalogApiMock({ entities })]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('Model entity page', () => {
  it('shows framework, task, artifact, notebooks, training datasets and the serving endpoint', async () => {
    await renderModel(fraudDetector);

    expect(screen.getByText('Model details')).toBeInTheDocument();
    expect(screen.getByText('sklearn')).toBeInTheDocument();
    expect(screen.getByText('binary-classification')).toBeInTheDocument();
    expect(
      screen.getByText('s3://kaml-models/fraud-detector/3/'),
    ).toBeInTheDocument();
    expect(screen.getByText(/\(joblib\)/)).toBeInTheDocument();
    expect(screen.getByText('Training').closest('a')).toHaveAttribute(
      'href',
      'https://jupyter.kaml-d.example/hub/user-redirect/lab/tree/fraud-detector/train.ipynb',
    );

    expect(screen.getByText('Trained on')).toBeInTheDocument();
    const trainedOn = await screen.findByRole('table', {
      name: 'Datasets this model was trained on',
    });
    const rows = within(trainedOn).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(
      within(rows[1]).getByRole('link', { name: /Finance transactions/ }),
    ).toHaveAttribute('href', '/catalog/default/dataset/finance-transactions');
    expect(within(rows[1]).getByText('csv')).toBeInTheDocument();
    expect(
      within(rows[2]).getByRole('link', { name: /Clickstream events/ }),
    ).toHaveAttribute('href', '/catalog/default/dataset/clickstream-events');
    expect(within(rows[2]).getByText('jsonl')).toBeInTheDocument();

    expect(screen.getByText('Served by')).toBeInTheDocument();
    const endpoint =
      'http://fraud-detector.kaml-d-models.svc.cluster.local:80/v1/models/fraud-detector:predict';
    expect(screen.getByText(endpoint).closest('a')).toHaveAttribute(
      'href',
      endpoint,
    );
    expect(screen.getByText('kserve')).toBeInTheDocument();
    const services = await screen.findByRole('table', {
      name: 'Inference service',
    });
    const serviceRows = within(services).getAllByRole('row');
    expect(
      within(serviceRows[1]).getByRole('link', {
        name: /Fraud detector service/,
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/fraud-detector-service',
    );
    expect(within(serviceRows[1]).getByText('Component')).toBeInTheDocument();
    expect(within(serviceRows[1]).getByText('service')).toBeInTheDocument();
    expect(
      within(serviceRows[2]).getByRole('link', { name: /Fraud detector API/ }),
    ).toHaveAttribute('href', '/catalog/default/api/fraud-detector-api');
    expect(within(serviceRows[2]).getByText('API')).toBeInTheDocument();
  });

  it('shows a training dataset that is missing from the catalog as missing, beside the ones that exist', async () => {
    await renderModel(churnPredictor);
    const trainedOn = await screen.findByRole('table', {
      name: 'Datasets this model was trained on',
    });
    const rows = within(trainedOn).getAllByRole('row');
    expect(
      within(rows[1]).getByRole('link', { name: /Customer churn/ }),
    ).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('dataset:default/customer-contracts-2023'),
    ).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('Missing from the catalog'),
    ).toBeInTheDocument();
    expect(within(rows[2]).queryByRole('link')).toBeNull();

    // not deployed, no notebooks, no artifact
    expect(screen.getByText('This model is not deployed')).toBeInTheDocument();
    expect(screen.getByText('No notebooks')).toBeInTheDocument();
    expect(screen.getByText('No artifact registered')).toBeInTheDocument();
  });

  it('reads spec.trainedOn before the catalog has stitched relations', async () => {
    const unstitched: ModelEntityV1alpha1 = {
      ...fraudDetector,
      relations: undefined,
    };
    await renderModel(unstitched);
    const trainedOn = await screen.findByRole('table', {
      name: 'Datasets this model was trained on',
    });
    expect(
      within(trainedOn).getByRole('link', { name: /Finance transactions/ }),
    ).toBeInTheDocument();
  });

  it('explains a model without declared training data', async () => {
    const { trainedOn: _ignored, ...spec } = churnPredictor.spec;
    await renderModel({ ...churnPredictor, spec, relations: [] });
    expect(screen.getByText('No training data declared')).toBeInTheDocument();
  });

  it('shows the error when the catalog cannot be read', async () => {
    await renderInTestApp(
      <EntityProvider entity={fraudDetector}>
        <ModelTrainedOnCard />
      </EntityProvider>,
      {
        apis: [
          [
            catalogApiRef,
            catalogApiMock.mock({
              getEntitiesByRefs: async () => {
                throw new Error('catalog unavailable');
              },
            }),
          ],
        ],
      },
    );
    expect(
      await screen.findByText(
        /Could not load the training datasets from the catalog/,
      ),
    ).toBeInTheDocument();
  });
});
