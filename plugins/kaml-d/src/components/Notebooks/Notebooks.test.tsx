import { alertApiRef } from '@backstage/core-plugin-api';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  KamlDNotebooksApi,
  kamlDNotebooksApiRef,
} from '../../api/NotebooksApi';
import { NotebooksCard } from './NotebooksCard';
import { OpenInNotebookButton } from './OpenInNotebookButton';

configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);

function fakeApi(partial: Partial<KamlDNotebooksApi>): KamlDNotebooksApi {
  return {
    getServers: jest.fn(async () => undefined),
    isEnabled: jest.fn(async () => true),
    openDataset: jest.fn(),
    openModelVersion: jest.fn(),
    stopServer: jest.fn(),
    ...partial,
  };
}

const alerts = { post: jest.fn(), alert$: jest.fn() };

async function render(ui: JSX.Element, api: KamlDNotebooksApi) {
  await renderInTestApp(ui, {
    apis: [
      [kamlDNotebooksApiRef, api],
      [alertApiRef, alerts],
      mockApis.identity({ userEntityRef: 'user:default/alice' }),
    ],
  });
}

const opened = {
  user: 'alice',
  path: 'kaml-d/finance-transactions.ipynb',
  url: 'http://hub/user/alice/lab/tree/kaml-d/finance-transactions.ipynb',
  entityRef: 'dataset:default/finance-transactions',
  files: 3,
  expiresAt: '2026-12-07T10:00:00.000Z',
};

describe('Open in notebook', () => {
  beforeEach(() => alerts.post.mockReset());

  it('opens the starter notebook of the dataset in a new JupyterLab tab', async () => {
    const tab = { location: { href: '' }, close: jest.fn() };
    const openSpy = jest
      .spyOn(window, 'open')
      .mockReturnValue(tab as unknown as Window);
    const openDataset = jest.fn(async () => opened);
    await render(
      <OpenInNotebookButton
        target={{
          kind: 'dataset',
          namespace: 'default',
          name: 'finance-transactions',
        }}
      />,
      fakeApi({ openDataset }),
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Open finance-transactions in a notebook',
      }),
    );
    await waitFor(() => expect(tab.location.href).toBe(opened.url));
    expect(openDataset).toHaveBeenCalledWith(
      { kind: 'dataset', namespace: 'default', name: 'finance-transactions' },
      undefined,
    );
    expect(alerts.post).toHaveBeenCalledWith(
      expect.objectContaining({
        severity: 'success',
        message: expect.stringContaining(
          'kaml-d/finance-transactions.ipynb is open in JupyterLab: it reads 3 files',
        ),
      }),
    );
    openSpy.mockRestore();
  });

  it('opens a model version, and says why when the backend refuses', async () => {
    const tab = { location: { href: '' }, close: jest.fn() };
    const openSpy = jest
      .spyOn(window, 'open')
      .mockReturnValue(tab as unknown as Window);
    const openModelVersion = jest.fn(async () => {
      throw new Error('You may not read dataset:default/finance-transactions');
    });
    await render(
      <OpenInNotebookButton
        target={{
          kind: 'model-version',
          namespace: 'default',
          name: 'fraud-detector',
          version: 3,
        }}
      />,
      fakeApi({ openModelVersion }),
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Open version 3 data in a notebook',
      }),
    );
    await waitFor(() =>
      expect(alerts.post).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'error',
          message:
            'Could not open a notebook: You may not read dataset:default/finance-transactions',
        }),
      ),
    );
    expect(openModelVersion).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'fraud-detector' }),
      3,
      undefined,
    );
    expect(tab.close).toHaveBeenCalled();
    openSpy.mockRestore();
  });

  it('is not shown when notebooks are not configured', async () => {
    await render(
      <>
        <OpenInNotebookButton
          target={{ kind: 'dataset', namespace: 'default', name: 'x' }}
        />
        <p>page</p>
      </>,
      fakeApi({ isEnabled: jest.fn(async () => false) }),
    );
    expect(await screen.findByText('page')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});

describe('Notebooks card', () => {
  it("lists the user's servers with status, last activity and a JupyterLab link for ready ones", async () => {
    await render(
      <NotebooksCard />,
      fakeApi({
        getServers: jest.fn(async () => ({
          user: 'alice',
          hubUrl: 'http://hub',
          servers: [
            {
              name: '',
              status: 'ready' as const,
              lastActivity: '2026-12-07T08:00:00Z',
              url: 'http://hub/user/alice/lab',
            },
            {
              name: 'gpu',
              status: 'pending' as const,
              pending: 'spawn',
              url: 'http://hub/user/alice/gpu/lab',
            },
            {
              name: 'old',
              status: 'stopped' as const,
              url: 'http://hub/user/alice/old/lab',
            },
          ],
        })),
      }),
    );
    const table = await screen.findByRole('table', {
      name: 'Notebook servers',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      `defaultReady${new Date(
        '2026-12-07T08:00:00Z',
      ).toLocaleString()}Open JupyterLab, Opens in a new windowStop`,
      'gpuPending (spawn)——',
      'oldStopped——',
    ]);
    expect(
      within(rows[0]).getByRole('link', { name: /Open JupyterLab/ }),
    ).toHaveAttribute('href', 'http://hub/user/alice/lab');
    expect(
      screen.getByText('Your JupyterHub servers (hub user alice)'),
    ).toBeInTheDocument();
  });

  it('says how to get a server when there is none, and hides itself without notebooks', async () => {
    await render(
      <NotebooksCard />,
      fakeApi({
        getServers: jest.fn(async () => ({
          user: 'bob',
          hubUrl: 'http://hub',
          servers: [],
        })),
      }),
    );
    expect(
      await screen.findByText(/You have no notebook server yet/),
    ).toBeInTheDocument();
  });

  it('renders nothing when the backend has no notebooks configured', async () => {
    await render(
      <>
        <NotebooksCard />
        <p>page</p>
      </>,
      fakeApi({ getServers: jest.fn(async () => undefined) }),
    );
    expect(await screen.findByText('page')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByText('Notebooks')).not.toBeInTheDocument(),
    );
  });

  it('stops a ready server after confirmation and shows the list the backend answers', async () => {
    alerts.post.mockReset();
    const ready = {
      name: '',
      status: 'ready' as const,
      url: 'http://hub/user/alice/lab',
    };
    const stopServer = jest.fn(async () => ({
      user: 'alice',
      hubUrl: 'http://hub',
      servers: [{ ...ready, status: 'stopped' as const }],
    }));
    await render(
      <NotebooksCard />,
      fakeApi({
        getServers: jest.fn(async () => ({
          user: 'alice',
          hubUrl: 'http://hub',
          servers: [ready],
        })),
        stopServer,
      }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Stop the default server' }),
    );
    // cancelling asks nothing of the backend
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Stop the default notebook server?'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(stopServer).not.toHaveBeenCalled();

    await userEvent.click(
      screen.getByRole('button', { name: 'Stop the default server' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Stop server',
      }),
    );
    expect(await screen.findByText('Stopped')).toBeInTheDocument();
    expect(stopServer).toHaveBeenCalledWith('');
    expect(
      screen.queryByRole('button', { name: 'Stop the default server' }),
    ).not.toBeInTheDocument();
    expect(alerts.post).toHaveBeenCalledWith(
      expect.objectContaining({
        severity: 'success',
        message: 'The default notebook server is stopped.',
      }),
    );
  });

  it('says why a stop failed and keeps the server listed', async () => {
    alerts.post.mockReset();
    await render(
      <NotebooksCard />,
      fakeApi({
        getServers: jest.fn(async () => ({
          user: 'alice',
          hubUrl: 'http://hub',
          servers: [
            {
              name: 'gpu',
              status: 'ready' as const,
              url: 'http://hub/user/alice/gpu/lab',
            },
          ],
        })),
        stopServer: jest.fn(async () => {
          throw new Error('JupyterHub at http://hub cannot be reached');
        }),
      }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Stop the gpu server' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Stop server',
      }),
    );
    await waitFor(() =>
      expect(alerts.post).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'error',
          message:
            'Could not stop the gpu server: JupyterHub at http://hub cannot be reached',
        }),
      ),
    );
    expect(screen.getByText('Ready')).toBeInTheDocument();
  });
});
