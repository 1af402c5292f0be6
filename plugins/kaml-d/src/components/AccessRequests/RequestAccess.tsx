import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  ACCESS_GRANT_DAYS,
  ACCESS_REQUEST_MAX_JUSTIFICATION,
  ACCESS_REQUEST_MIN_JUSTIFICATION,
  ACCESS_REQUESTS_PAGE_PATH,
  AccessRequest,
  REQUESTABLE_PERMISSIONS,
  RequestablePermission,
} from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormLabel from '@material-ui/core/FormLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDGovernanceApiRef } from '../../api/GovernanceApi';
import { serverMessage } from '../shared/errors';
import { PermissionGate } from '../shared/permissionGate';

/** What each requestable permission lets the user do, for the dialog's checkboxes. */
export const PERMISSION_LABELS: Record<RequestablePermission, string> = {
  'kaml-d.dataset.preview': 'Preview and profile (kaml-d.dataset.preview)',
  'kaml-d.dataset.query': 'Run SQL (kaml-d.dataset.query)',
};

/** Why the form cannot be sent yet, or undefined when it can. */
export function requestProblem(form: {
  permissions: RequestablePermission[];
  justification: string;
  durationDays: number;
}): string | undefined {
  if (form.permissions.length === 0) return 'Pick at least one permission.';
  const length = form.justification.trim().length;
  if (length < ACCESS_REQUEST_MIN_JUSTIFICATION) {
    return `Say why you need access: at least ${ACCESS_REQUEST_MIN_JUSTIFICATION} characters (${length} so far).`;
  }
  if (form.justification.length > ACCESS_REQUEST_MAX_JUSTIFICATION) {
    return `The justification is too long: at most ${ACCESS_REQUEST_MAX_JUSTIFICATION} characters.`;
  }
  const { min, max } = ACCESS_GRANT_DAYS;
  if (
    !Number.isInteger(form.durationDays) ||
    form.durationDays < min ||
    form.durationDays > max
  ) {
    return `The duration is a whole number of days from ${min} to ${max}.`;
  }
  return undefined;
}

/** The dialog that asks the owners of an entity for access. */
export function RequestAccessDialog(props: {
  open: boolean;
  entityRef: string;
  initial: RequestablePermission[];
  onClose: () => void;
  onRequested: (request: AccessRequest) => void;
}) {
  const { open, entityRef, initial, onClose, onRequested } = props;
  const api = useApi(kamlDGovernanceApiRef);
  const [permissions, setPermissions] =
    useState<RequestablePermission[]>(initial);
  const [justification, setJustification] = useState('');
  const [days, setDays] = useState(String(ACCESS_GRANT_DAYS.default));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [touched, setTouched] = useState(false);

  const durationDays = Number(days);
  const problem = requestProblem({ permissions, justification, durationDays });

  const toggle = (permission: RequestablePermission) =>
    setPermissions(current =>
      current.includes(permission)
        ? current.filter(p => p !== permission)
        : REQUESTABLE_PERMISSIONS.filter(
            p => p === permission || current.includes(p),
          ),
    );

  const send = async () => {
    setTouched(true);
    if (problem) return;
    setBusy(true);
    setError(undefined);
    try {
      const request = await api.createAccessRequest({
        entityRef,
        permissions,
        justification: justification.trim(),
        durationDays,
      });
      onRequested(request);
    } catch (e) {
      setError(serverMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Request access to {entityRef}</DialogTitle>
      <DialogContent>
        <FormLabel component="legend">Permissions</FormLabel>
        <FormGroup row>
          {REQUESTABLE_PERMISSIONS.map(permission => (
            <FormControlLabel
              key={permission}
              control={
                <Checkbox
                  checked={permissions.includes(permission)}
                  onChange={() => toggle(permission)}
                />
              }
              label={PERMISSION_LABELS[permission]}
            />
          ))}
        </FormGroup>
        <TextField
          id="kaml-d-access-justification"
          label="Justification"
          helperText={`Why you need it; the owners read this (at least ${ACCESS_REQUEST_MIN_JUSTIFICATION} characters).`}
          multiline
          minRows={3}
          fullWidth
          margin="normal"
          variant="outlined"
          value={justification}
          onChange={e => setJustification(e.target.value)}
        />
        <TextField
          id="kaml-d-access-days"
          label="Duration (days)"
          helperText={`The grant ends after this many days (${ACCESS_GRANT_DAYS.min}–${ACCESS_GRANT_DAYS.max}).`}
          type="number"
          margin="normal"
          variant="outlined"
          inputProps={{
            min: ACCESS_GRANT_DAYS.min,
            max: ACCESS_GRANT_DAYS.max,
          }}
          value={days}
          onChange={e => setDays(e.target.value)}
        />
        {touched && problem && <Alert severity="warning">{problem}</Alert>}
        {error && (
          <Alert severity="error">Could not send the request: {error}</Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy}
          onClick={send}
        >
          Send request
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function PendingRequest(props: { request: AccessRequest }) {
  const { request } = props;
  return (
    <Alert severity="info">
      Access requested on {new Date(request.createdAt).toLocaleString()} (
      {request.permissions.join(', ')}, {request.durationDays} days): pending,
      waiting for {request.owners.join(', ') || 'the owners'}. Follow it on{' '}
      <Link to={ACCESS_REQUESTS_PAGE_PATH}>Access requests</Link>.
    </Alert>
  );
}

/**
 * "Request access" for an entity the user may not read: the button and dialog, or the pending
 * request when there is one already.
 */
export function RequestAccess(props: {
  entity: Entity;
  permissions: RequestablePermission[];
}) {
  const { entity, permissions } = props;
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(kamlDGovernanceApiRef);
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState<AccessRequest>();
  const mine = useAsyncRetry(
    () => api.listAccessRequests('mine', 'pending'),
    [api],
  );

  if (mine.loading) {
    return <Progress aria-label="Reading your access requests" />;
  }
  const pending =
    sent ??
    mine.value?.items.find(
      r =>
        r.entityRef === entityRef &&
        permissions.some(p => r.permissions.includes(p)),
    );
  if (pending) return <PendingRequest request={pending} />;
  return (
    <>
      {mine.error && (
        <Alert severity="warning">
          Could not read your earlier requests: {serverMessage(mine.error)}
        </Alert>
      )}
      <Button variant="contained" color="primary" onClick={() => setOpen(true)}>
        Request access
      </Button>
      {open && (
        <RequestAccessDialog
          open
          entityRef={entityRef}
          initial={permissions}
          onClose={() => setOpen(false)}
          onRequested={request => {
            setOpen(false);
            setSent(request);
          }}
        />
      )}
    </>
  );
}

/**
 * What a tab shows instead of data the user may not read: the reason naming the permission, and
 * "Request access" when the permission is one owners can grant.
 */
export function AccessDenied(props: { gate: PermissionGate; entity: Entity }) {
  const { gate, entity } = props;
  const requestable = REQUESTABLE_PERMISSIONS.find(p => p === gate.permission);
  return (
    <Box display="flex" flexDirection="column" gridGap={16}>
      <Alert severity="warning" data-permission={gate.permission}>
        {gate.reason}
      </Alert>
      {requestable ? (
        <RequestAccess entity={entity} permissions={[requestable]} />
      ) : (
        <Typography color="textSecondary">
          Ask an owner of {stringifyEntityRef(entity)} or a portal admin.
        </Typography>
      )}
    </Box>
  );
}
