import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { kamlDNotebooksApiRef } from '../api/NotebooksApi';
import { fraudDetector } from '../components/__fixtures__/entities';
import { EntityKamlDNotebooksCard } from './entityCards';

jest.setTimeout(30_000);

describe('the Notebooks card in a legacy app', () => {
  it("lists the user's servers on a model page", async () => {
    const notebooks = {
      getServers: jest.fn(async () => ({
        user: 'alice',
        hubUrl: 'http://hub',
        servers: [
          {
            name: '',
            status: 'pending' as const,
            pending: 'spawn',
            url: 'http://hub/user/alice/lab',
          },
        ],
      })),
      isEnabled: jest.fn(async () => true),
      openDataset: jest.fn(),
      openModelVersion: jest.fn(),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[kamlDNotebooksApiRef, notebooks]]}>
        <EntityProvider entity={fraudDetector}>
          <EntityKamlDNotebooksCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Pending (spawn)', undefined, {
        timeout: 10_000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('default')).toBeInTheDocument();
  });
});
