import { Entity } from '@backstage/catalog-model';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DatasetSnapshot } from '@kaml-d/plugin-kaml-d-common';
import { KamlDApi } from '../../api';
import { financeTransactions } from '../__fixtures__/entities';
import { renderWorkbenchPart as render } from '../__testUtils__/workbench';
import { UploadDialog } from './UploadDialog';
import { RegistrationWatcher } from './uploadRegistration';

// dialogs of Material UI render slowly on a busy machine
jest.setTimeout(20_000);

const existing: Entity = {
  ...financeTransactions,
  metadata: { ...financeTransactions.metadata, name: 'sensor-readings' },
};

const uploaded = {
  entityRef: 'dataset:default/sensor-readings',
  location: 's3://kaml-datasets/sensor-readings/',
  objects: [{ key: 'more.csv', size: 40 }],
  manifestKey: 'sensor-readings/catalog-info.yaml',
  registration: 'discovery' as const,
};

const csv = new File(['a,b\n1,2\n'], 'more.csv', { type: 'text/csv' });

async function chooseFile(name: string) {
  await userEvent.upload(screen.getByLabelText('Files'), csv);
  fireEvent.change(screen.getByRole('textbox', { name: /Name/ }), {
    target: { value: name },
  });
}

describe('Upload dialog under an existing name', () => {
  it('asks first, offers a snapshot, takes it and says the files were added', async () => {
    const uploadDataset = jest.fn<
      ReturnType<KamlDApi['uploadDataset']>,
      Parameters<KamlDApi['uploadDataset']>
    >(async () => uploaded);
    const taken: DatasetSnapshot = {
      id: 'snap-20261207t120000z-abc123',
      entityRef: 'dataset:default/sensor-readings',
      createdAt: '2026-12-07T12:00:00Z',
      createdBy: 'user:default/guest',
      message: 'Before adding files',
      method: 'copy',
      adapter: 'file',
      bucket: 'kaml-datasets',
      prefix: 'sensor-readings/',
      objectCount: 1,
      totalBytes: 12,
      digest: 'sha256:0',
    };
    const createDatasetSnapshot = jest.fn<
      ReturnType<KamlDApi['createDatasetSnapshot']>,
      Parameters<KamlDApi['createDatasetSnapshot']>
    >(async () => taken);
    await render(
      <UploadDialog open onClose={() => {}} onChanged={() => {}} />,
      {
        kamlD: { uploadDataset, createDatasetSnapshot },
        entities: [existing],
      },
    );
    await chooseFile('sensor-readings');
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));

    expect(await screen.findByText(/A dataset named/)).toHaveTextContent(
      'A dataset named sensor-readings exists. Add these files to sensor-readings?',
    );
    expect(uploadDataset).not.toHaveBeenCalled();
    const snapshot = await screen.findByRole('checkbox', {
      name: 'Take a snapshot of sensor-readings first',
    });
    expect(snapshot).toBeChecked();

    await userEvent.click(
      screen.getByRole('button', { name: 'Add to sensor-readings' }),
    );
    expect(await screen.findByText(/Added to dataset:/)).toBeInTheDocument();
    expect(screen.queryByText(/New dataset/)).not.toBeInTheDocument();
    expect(createDatasetSnapshot).toHaveBeenCalledWith(
      { namespace: 'default', name: 'sensor-readings' },
      'Before uploading more.csv',
    );
    expect(uploadDataset).toHaveBeenCalledTimes(1);
  });

  it('adds without a snapshot when unticked, and asks again for another name', async () => {
    const uploadDataset = jest.fn(async () => uploaded);
    const createDatasetSnapshot = jest.fn();
    await render(
      <UploadDialog open onClose={() => {}} onChanged={() => {}} />,
      {
        kamlD: { uploadDataset, createDatasetSnapshot },
        entities: [existing],
      },
    );
    await chooseFile('sensor-readings');
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    await userEvent.click(
      await screen.findByRole('checkbox', {
        name: 'Take a snapshot of sensor-readings first',
      }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Add to sensor-readings' }),
    );
    expect(await screen.findByText(/Added to dataset:/)).toBeInTheDocument();
    expect(createDatasetSnapshot).not.toHaveBeenCalled();
  });
});

describe('Upload dialog closed while waiting for the catalog', () => {
  it('hands the dataset to the Workbench to keep waiting', async () => {
    const onClosedWhileWaiting = jest.fn();
    const onClose = jest.fn();
    await render(
      <UploadDialog
        open
        onClose={onClose}
        onChanged={() => {}}
        onClosedWhileWaiting={onClosedWhileWaiting}
      />,
      { kamlD: { uploadDataset: async () => uploaded }, entities: [] },
    );
    await chooseFile('sensor-readings');
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    expect(
      await screen.findByText('Waiting for the catalog to register it…'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
    expect(onClosedWhileWaiting).toHaveBeenCalledWith(
      'dataset:default/sensor-readings',
    );
  });

  it('the watcher refreshes once the catalog has the dataset', async () => {
    const getEntityByRef = jest
      .fn()
      .mockResolvedValueOnce(undefined)
      .mockResolvedValue(existing);
    const onRegistered = jest.fn();
    await render(
      <RegistrationWatcher
        entityRef="dataset:default/sensor-readings"
        onRegistered={onRegistered}
      />,
      { catalog: { getEntityByRef } },
    );
    // the catalog is asked again after REGISTRATION_POLL.intervalMs (2 s)
    await waitFor(
      () =>
        expect(onRegistered).toHaveBeenCalledWith(
          'dataset:default/sensor-readings',
        ),
      { timeout: 15_000 },
    );
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
    expect(onRegistered).toHaveBeenCalledTimes(1);
  });
});

describe('Upload dialog format', () => {
  it('shows Detect when no format is chosen', async () => {
    await render(<UploadDialog open onClose={() => {}} onChanged={() => {}} />);
    expect(screen.getByRole('button', { name: /Format/ })).toHaveTextContent(
      'Detect',
    );
  });
});
