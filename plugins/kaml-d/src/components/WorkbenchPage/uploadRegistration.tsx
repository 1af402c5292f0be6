import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { datasetWritePermission } from '@kaml-d/plugin-kaml-d-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useRef, useState } from 'react';

/** How often and how long the Workbench asks the catalog whether the new dataset arrived. */
export const REGISTRATION_POLL = { intervalMs: 2000, attempts: 60 };

export type RegistrationState = 'waiting' | 'registered' | 'late';

/**
 * Asks the catalog every {@link REGISTRATION_POLL} interval whether it holds `entityRef`;
 * `onRegistered` is called once when it does.
 */
export function useRegistration(
  entityRef: string,
  onRegistered: () => void,
): RegistrationState {
  const catalogApi = useApi(catalogApiRef);
  const [state, setState] = useState<RegistrationState>('waiting');
  // the latest callback, without asking again when its identity changes
  const callback = useRef(onRegistered);
  callback.current = onRegistered;
  useEffect(() => {
    let attempts = 0;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      attempts += 1;
      const found = await catalogApi
        .getEntityByRef(entityRef)
        .catch(() => undefined);
      if (stopped) return;
      if (found) {
        setState('registered');
        callback.current();
      } else if (attempts >= REGISTRATION_POLL.attempts) {
        setState('late');
      } else {
        timer = setTimeout(check, REGISTRATION_POLL.intervalMs);
      }
    };
    check();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [catalogApi, entityRef]);
  return state;
}

/** Waits for the catalog to hold the new dataset; says so when it does. */
export function Registration(props: {
  entityRef: string;
  onRegistered: () => void;
}) {
  const state = useRegistration(props.entityRef, props.onRegistered);
  if (state === 'registered') {
    return <Typography variant="body2">It is in the catalog now.</Typography>;
  }
  if (state === 'late') {
    return (
      <Typography variant="body2">
        The catalog has not registered it yet. Discovery picks up new datasets
        on its next scan; check the catalog&apos;s problems below if it does not
        appear.
      </Typography>
    );
  }
  return (
    <Typography variant="body2">
      Waiting for the catalog to register it…
    </Typography>
  );
}

/**
 * Keeps waiting for a dataset after the Upload dialog was closed, and refreshes the Workbench
 * (`onRegistered`) when the catalog holds it. Renders nothing.
 */
export function RegistrationWatcher(props: {
  entityRef: string;
  onRegistered: (entityRef: string) => void;
}) {
  const { entityRef, onRegistered } = props;
  useRegistration(entityRef, () => onRegistered(entityRef));
  return null;
}

/**
 * Asked before files go into a dataset that exists: add to it, and take a snapshot of it first
 * (checked by default) when the user may write to it.
 */
export function ExistingDatasetNotice(props: {
  entityRef: string;
  name: string;
  snapshot: boolean;
  onSnapshotChange: (snapshot: boolean) => void;
}) {
  const { entityRef, name, snapshot, onSnapshotChange } = props;
  const write = usePermission({
    permission: datasetWritePermission,
    resourceRef: entityRef,
  });
  return (
    <Alert severity="warning" role="alert">
      <Typography variant="body2">
        A dataset named <strong>{name}</strong> exists. Add these files to{' '}
        {name}? Files with the same names are replaced.
      </Typography>
      {!write.loading && write.allowed ? (
        <FormControlLabel
          control={
            <Checkbox
              checked={snapshot}
              onChange={e => onSnapshotChange(e.target.checked)}
              color="primary"
            />
          }
          label={`Take a snapshot of ${name} first`}
        />
      ) : null}
      {!write.loading && !write.allowed ? (
        <Typography variant="body2">
          Adding files to {name} needs {datasetWritePermission.name} (its owners
          have it); choose another name for a new dataset.
        </Typography>
      ) : null}
    </Alert>
  );
}
