import { Entity } from '@backstage/catalog-model';
import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { KamlDApi } from '../../api';
import { financeTransactions } from '../__fixtures__/entities';
import { pending, responseError } from '../__fixtures__/kamlDApi';
import { renderWorkbenchPart as render } from '../__testUtils__/workbench';
import { StorageLine } from './StorageLine';
import { UploadDialog } from './UploadDialog';

// dialogs and tables of Material UI render slowly on a busy machine
jest.setTimeout(20_000);

const discovered: Entity = {
  ...financeTransactions,
  metadata: {
    ...financeTransactions.metadata,
    name: 'sensor-readings',
    title: 'Sensor readings',
    description: 'Uploaded from the Workbench',
    tags: ['iot'],
    annotations: {
      'kaml-d.io/last-modified': '2026-03-01T09:30:00.000Z',
      'kaml-d.io/size-bytes': '2048',
    },
  },
  spec: {
    owner: 'user:default/guest',
    lifecycle: 'experimental',
    format: 'csv',
    location: 's3://kaml-datasets/sensor-readings/',
  },
};

describe('Workbench storage line', () => {
  it('says how many datasets, how many bytes and how full', async () => {
    await render(<StorageLine />);
    expect(
      await screen.findByText('Storage: 3 folders, 61.3 MB, 6.1% of capacity'),
    ).toBeInTheDocument();
  });

  it('says when no capacity is configured', async () => {
    await render(<StorageLine />, {
      kamlD: {
        getStorageSummary: async () => ({
          adapter: 'file',
          buckets: ['kaml-datasets'],
          datasets: 1,
          objects: 2,
          bytes: 1500,
          measuredAt: '2026-03-02T10:00:00.000Z',
        }),
      },
    });
    expect(
      await screen.findByText(
        'Storage: 1 folder, 1.5 kB, no capacity configured',
      ),
    ).toBeInTheDocument();
  });

  it('says when storage is empty', async () => {
    await render(<StorageLine />, {
      kamlD: {
        getStorageSummary: async () => ({
          adapter: 'file',
          buckets: [],
          datasets: 0,
          objects: 0,
          bytes: 0,
          measuredAt: '2026-03-02T10:00:00.000Z',
        }),
      },
    });
    expect(
      await screen.findByText('Storage is empty: upload a dataset to start.'),
    ).toBeInTheDocument();
  });

  it('shows loading and errors', async () => {
    await render(<StorageLine />, {
      kamlD: { getStorageSummary: () => pending() },
    });
    expect(
      await screen.findByRole('progressbar', { name: 'Measuring storage' }),
    ).toBeInTheDocument();
  });

  it('shows why the summary is unavailable', async () => {
    const error = await responseError(
      503,
      'ServiceUnavailableError',
      'bucket kaml-datasets is unreachable',
    );
    await render(<StorageLine />, {
      kamlD: {
        getStorageSummary: async () => {
          throw error;
        },
      },
    });
    expect(
      await screen.findByText(
        'Storage summary unavailable: bucket kaml-datasets is unreachable',
      ),
    ).toBeInTheDocument();
  });
});

describe('Workbench upload dialog', () => {
  const csv = new File(
    ['sensor_id,temperature_kelvin\ns1,290.5\n'],
    'Sensor Readings.csv',
    {
      type: 'text/csv',
    },
  );

  async function fillAndSubmit() {
    await userEvent.upload(screen.getByLabelText('Files'), csv);
    expect(screen.getByText('Sensor Readings.csv')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /Name/ })).toHaveValue(
      'sensor-readings',
    );
    fireEvent.change(screen.getByRole('textbox', { name: 'Tags' }), {
      target: { value: 'iot, sensors' },
    });
    fireEvent.change(screen.getByRole('textbox', { name: 'Owner' }), {
      target: { value: 'group:default/data-science' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
  }

  it('uploads the files with the fields and links the new dataset once the catalog has it', async () => {
    const uploadDataset = jest.fn<
      ReturnType<KamlDApi['uploadDataset']>,
      Parameters<KamlDApi['uploadDataset']>
    >(async () => ({
      entityRef: 'dataset:default/sensor-readings',
      location: 's3://kaml-datasets/sensor-readings/',
      objects: [{ key: 'Sensor Readings.csv', size: 40 }],
      manifestKey: 'sensor-readings/catalog-info.yaml',
      registration: 'discovery',
    }));
    const onChanged = jest.fn();
    await render(
      <UploadDialog open onClose={() => {}} onChanged={onChanged} />,
      {
        kamlD: { uploadDataset },
        // no such dataset before the upload; discovery registers it after
        catalog: {
          getEntityByRef: jest
            .fn()
            .mockResolvedValueOnce(undefined)
            .mockResolvedValue(discovered),
        },
      },
    );
    await fillAndSubmit();

    expect(
      await screen.findByText(/Uploaded 1 file \(40 B\) to/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('s3://kaml-datasets/sensor-readings/'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'dataset:default/sensor-readings' }),
    ).toHaveAttribute('href', '/catalog/default/dataset/sensor-readings');
    expect(
      await screen.findByText('It is in the catalog now.'),
    ).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalledTimes(2);
    expect(uploadDataset).toHaveBeenCalledWith({
      name: 'sensor-readings',
      files: [csv],
      format: undefined,
      owner: 'group:default/data-science',
      system: undefined,
      description: undefined,
      tags: ['iot', 'sensors'],
    });
  });

  it('says it waits while the catalog has not registered the dataset yet', async () => {
    await render(
      <UploadDialog open onClose={() => {}} onChanged={() => {}} />,
      {
        kamlD: {
          uploadDataset: async () => ({
            entityRef: 'dataset:default/sensor-readings',
            location: 's3://kaml-datasets/sensor-readings/',
            objects: [{ key: 'Sensor Readings.csv', size: 40 }],
            manifestKey: 'sensor-readings/catalog-info.yaml',
            registration: 'discovery',
          }),
        },
        entities: [],
      },
    );
    await fillAndSubmit();
    expect(
      await screen.findByText('Waiting for the catalog to register it…'),
    ).toBeInTheDocument();
  });

  it('shows what the server refused, and keeps the form for another try', async () => {
    const error = await responseError(
      409,
      'ConflictError',
      'Dataset "sensor-readings" already has a file "Sensor Readings.csv"; rename the file, nothing was overwritten.',
    );
    await render(
      <UploadDialog open onClose={() => {}} onChanged={() => {}} />,
      {
        kamlD: {
          uploadDataset: async () => {
            throw error;
          },
        },
      },
    );
    await fillAndSubmit();
    expect(
      await screen.findByText(
        'The upload was refused: Dataset "sensor-readings" already has a file "Sensor Readings.csv"; rename the file, nothing was overwritten.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeEnabled();
  });

  it('explains an invalid name before sending anything', async () => {
    await render(<UploadDialog open onClose={() => {}} onChanged={() => {}} />);
    await userEvent.upload(screen.getByLabelText('Files'), csv);
    const name = screen.getByRole('textbox', { name: /Name/ });
    fireEvent.change(name, { target: { value: 'Sensor Readings' } });
    expect(
      screen.getByText(
        'Use lowercase letters and digits with single - _ . between them, such as sales-2024.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();
  });
});
