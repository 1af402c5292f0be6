import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { churnPredictor, fraudDetector } from '../__fixtures__/entities';
import { renderVersionsTab, modelVersions } from '../__testUtils__/versions';
import { ModelVersionsContent } from './ModelVersionsContent';

// Promoting a model version to an alias: the dialog, the alias rule and the permission.

jest.setTimeout(30_000);
// dialogs close with a transition and answers settle late on a busy machine
configure({ asyncUtilTimeout: 5_000 });

describe('Model Versions tab', () => {
  it('promotes a version to an alias', async () => {
    const promoteModelAlias = jest.fn(async () => undefined);
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions, promoteModelAlias },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote version 1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByText('challenger'));
    await userEvent.click(dialog.getByRole('button', { name: 'Promote' }));
    expect(promoteModelAlias).toHaveBeenCalledWith(
      { namespace: 'default', name: 'fraud-detector' },
      'challenger',
      1,
    );
    expect(
      await screen.findByText('challenger now points at version 1.'),
    ).toBeInTheDocument();
  });

  it('refuses an alias that is not a DNS label', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote version 1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const input = dialog.getByLabelText('Alias');
    await userEvent.clear(input);
    await userEvent.type(input, 'Not OK');
    expect(dialog.getByRole('button', { name: 'Promote' })).toBeDisabled();
  });
});

describe('Model Versions tab charts, permissions and lineage', () => {
  it('disables promoting up front, naming the permission, when the user lacks it', async () => {
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions },
      // an entity no other test asks permissions for: the permission hook caches answers
      churnPredictor,
      { deny: ['kaml-d.model.version.promote'] },
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeDisabled(),
    );
    expect(
      screen.getByText(
        'You cannot promote versions: it needs the permission kaml-d.model.version.promote.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Promote version 2' }).parentElement,
    ).toHaveAttribute('title', 'Needs permission kaml-d.model.version.promote');
  });

  it('asks for confirmation before moving an alias that points elsewhere', async () => {
    const promoteModelAlias = jest.fn(async () => undefined);
    await renderVersionsTab(
      <ModelVersionsContent />,
      { listModelVersions: async () => modelVersions, promoteModelAlias },
      fraudDetector,
    );
    await screen.findByText('champion → v2');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Promote version 1' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote version 1' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText(/it points at version 2 now/)).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(promoteModelAlias).not.toHaveBeenCalled();
  });
});
