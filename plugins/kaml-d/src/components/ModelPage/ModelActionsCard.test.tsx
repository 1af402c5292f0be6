import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { configure, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { fraudDetector } from '../__fixtures__/entities';
import { FreshPermissionCache } from '../__testUtils__/permissions';
import { ModelActionsCard, templatePath } from './ModelActionsCard';

configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);

function Where() {
  const location = useLocation();
  return <p>at {`${location.pathname}${location.search}`}</p>;
}

async function render(allowed: string[], ownershipEntityRefs: string[]) {
  const authorize = jest.fn((request: { permission: { name: string } }) =>
    allowed.includes(request.permission.name)
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY,
  );
  await renderInTestApp(
    <FreshPermissionCache>
      <EntityProvider entity={fraudDetector}>
        <Routes>
          <Route path="/" element={<ModelActionsCard />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </EntityProvider>
    </FreshPermissionCache>,
    {
      apis: [
        [permissionApiRef, mockApis.permission({ authorize })],
        mockApis.identity({
          userEntityRef: ownershipEntityRefs[0],
          ownershipEntityRefs,
        }),
      ],
    },
  );
  return authorize;
}

describe('Model actions card', () => {
  it('lets a data scientist open the Train template with the model filled in; Deploy is refused with the reason', async () => {
    const authorize = await render(
      ['kaml-d.model.train'],
      ['user:default/alice', 'group:default/data-science'],
    );
    // alice's group owns fraud-detector: the policy refused for another reason
    expect(
      await screen.findByText(
        'Deploy needs kaml-d.model.deploy: the permission policy refused it on this model',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Deploy' })).toBeDisabled();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({ resourceRef: 'model:default/fraud-detector' }),
    );
    const train = screen.getByRole('button', { name: 'Train' });
    expect(train).toBeEnabled();
    await userEvent.click(train);
    expect(
      await screen.findByText(
        `at ${templatePath('train-model', 'model:default/fraud-detector')}`,
      ),
    ).toBeInTheDocument();
  });

  it('disables Train for a user without kaml-d.model.train and names why', async () => {
    await render(
      ['kaml-d.model.deploy'],
      ['user:default/bob', 'group:default/data-engineering'],
    );
    const reason =
      'Train needs kaml-d.model.train: you are not an owner of model:default/fraud-detector and none of your groups has a role that grants it';
    expect(await screen.findByText(reason)).toBeInTheDocument();
    const train = screen.getByRole('button', { name: 'Train' });
    expect(train).toBeDisabled();
    expect(train.parentElement).toHaveAttribute('title', reason);
    expect(screen.getByRole('button', { name: 'Deploy' })).toBeEnabled();
  });

  it('builds template links that carry the model', () => {
    expect(templatePath('train-model', 'model:default/fraud-detector')).toBe(
      '/create/templates/default/train-model?formData=%7B%22model%22%3A%22model%3Adefault%2Ffraud-detector%22%7D',
    );
  });
});
