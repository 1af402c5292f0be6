import { alertApiRef, useApi, useApiHolder } from '@backstage/core-plugin-api';
import { OpenNotebookResponse } from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { kamlDNotebooksApiRef } from '../../api/NotebooksApi';
import { serverMessage } from '../shared/errors';

/** What the button opens: a dataset (or a snapshot of it), or a model version's training data. */
export type NotebookTarget =
  | { kind: 'dataset'; namespace: string; name: string; snapshot?: string }
  | {
      kind: 'model-version';
      namespace: string;
      name: string;
      version: number;
      dataset?: string;
    };

/**
 * "Open in notebook": asks the backend to start (or reuse) the user's JupyterHub server and
 * write a starter notebook loading the data, then opens JupyterLab on it in a new tab. Shown only
 * when the backend has notebooks configured (`kamlD.notebooks`).
 */
export function OpenInNotebookButton(props: {
  target: NotebookTarget;
  size?: 'small' | 'medium';
  variant?: 'text' | 'outlined' | 'contained';
}) {
  const { target } = props;
  // an app that does not register the notebooks API gets no button
  const notebooks = useApiHolder().get(kamlDNotebooksApiRef);
  const alerts = useApi(alertApiRef);
  const enabled = useAsync(
    async () => (notebooks ? notebooks.isEnabled() : false),
    [notebooks],
  );
  const [busy, setBusy] = useState(false);
  if (!notebooks || !enabled.value) return null;

  const label =
    target.kind === 'model-version'
      ? `Open version ${target.version} data in a notebook`
      : `Open ${target.name} in a notebook`;

  const open = async () => {
    setBusy(true);
    // opened now, while the click counts as the user's: a tab opened after the answer is blocked
    const tab = window.open('', '_blank');
    try {
      const answer: OpenNotebookResponse =
        target.kind === 'dataset'
          ? await notebooks.openDataset(target, target.snapshot)
          : await notebooks.openModelVersion(
              target,
              target.version,
              target.dataset,
            );
      if (tab) {
        // JupyterLab is another origin: it gets no handle on the portal's window
        tab.opener = null;
        tab.location.href = answer.url;
      } else {
        window.location.assign(answer.url);
      }
      alerts.post({
        message: `${answer.path} is open in JupyterLab: it reads ${
          answer.files
        } file${answer.files === 1 ? '' : 's'} of ${
          answer.entityRef
        }; its links work until ${new Date(
          answer.expiresAt,
        ).toLocaleString()}.`,
        severity: 'success',
        display: 'transient',
      });
    } catch (error) {
      tab?.close();
      alerts.post({
        message: `Could not open a notebook: ${serverMessage(error as Error)}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button
      size={props.size ?? 'small'}
      variant={props.variant ?? 'outlined'}
      disabled={busy}
      onClick={open}
      aria-label={label}
      title={label}
    >
      {busy ? 'Starting your notebook server…' : 'Open in notebook'}
    </Button>
  );
}
