import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ACCESS_REQUEST_MAX_JUSTIFICATION,
  AccessRequest,
  AccessRequestStatus,
} from '@kaml-d/plugin-kaml-d-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kamlDGovernanceApiRef } from '../../api/GovernanceApi';
import { serverMessage } from '../shared/errors';

const STATUS_TEXT: Record<AccessRequestStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired',
};

function when(iso?: string): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function Decision(props: { request: AccessRequest }) {
  const { request } = props;
  if (!request.decidedBy) return null;
  return (
    <Typography variant="caption" display="block">
      by {request.decidedBy} on {when(request.decidedAt)}
      {request.decisionComment ? `: “${request.decisionComment}”` : ''}
    </Typography>
  );
}

function RequestsTable(props: {
  label: string;
  requests: AccessRequest[];
  showRequester: boolean;
  actions?: (request: AccessRequest) => React.ReactNode;
}) {
  const { label, requests, showRequester, actions } = props;
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Requested</TableCell>
          {showRequester && <TableCell>Requester</TableCell>}
          <TableCell>Entity</TableCell>
          <TableCell>Permissions</TableCell>
          <TableCell>Justification</TableCell>
          <TableCell>Days</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Access until</TableCell>
          {actions && <TableCell>Decide</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map(r => (
          <TableRow key={r.id} data-request-id={r.id}>
            <TableCell>{when(r.createdAt)}</TableCell>
            {showRequester && (
              <TableCell>
                <EntityRefLink entityRef={r.requester} hideIcon />
              </TableCell>
            )}
            <TableCell>
              <EntityRefLink entityRef={r.entityRef} hideIcon />
            </TableCell>
            <TableCell>{r.permissions.join(', ')}</TableCell>
            <TableCell>{r.justification}</TableCell>
            <TableCell>{r.durationDays}</TableCell>
            <TableCell>
              {STATUS_TEXT[r.status]}
              <Decision request={r} />
            </TableCell>
            <TableCell>{when(r.expiresAt)}</TableCell>
            {actions && <TableCell>{actions(r)}</TableCell>}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The dialog where an owner approves or denies, with a comment for the requester. */
function DecideDialog(props: {
  request: AccessRequest;
  decision: 'approve' | 'deny';
  onClose: () => void;
  onDecided: (request: AccessRequest) => void;
}) {
  const { request, decision, onClose, onDecided } = props;
  const api = useApi(kamlDGovernanceApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const verb = decision === 'approve' ? 'Approve' : 'Deny';
  const tooLong = comment.length > ACCESS_REQUEST_MAX_JUSTIFICATION;

  const decide = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onDecided(
        await api.decideAccessRequest(request.id, {
          decision,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
        }),
      );
    } catch (e) {
      setError(serverMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        {verb} {request.requester}’s request for {request.entityRef}?
      </DialogTitle>
      <DialogContent>
        <Typography gutterBottom>
          {request.permissions.join(', ')} for {request.durationDays} days.
          Justification: “{request.justification}”
        </Typography>
        <TextField
          id="kaml-d-decision-comment"
          label="Comment for the requester"
          multiline
          minRows={2}
          fullWidth
          variant="outlined"
          value={comment}
          error={tooLong}
          helperText={
            tooLong
              ? `At most ${ACCESS_REQUEST_MAX_JUSTIFICATION} characters.`
              : 'Optional.'
          }
          onChange={e => setComment(e.target.value)}
        />
        {error && <Alert severity="error">Could not decide: {error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color={decision === 'approve' ? 'primary' : 'secondary'}
          variant="contained"
          disabled={busy || tooLong}
          onClick={decide}
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function MyRequests() {
  const api = useApi(kamlDGovernanceApiRef);
  const mine = useAsyncRetry(() => api.listAccessRequests('mine'), [api]);
  let body;
  if (mine.loading) {
    body = <Progress aria-label="Reading your requests" />;
  } else if (mine.error) {
    body = (
      <ResponseErrorPanel
        title={`Could not read your requests: ${serverMessage(mine.error)}`}
        error={mine.error}
      />
    );
  } else if (!mine.value?.items.length) {
    body = (
      <Typography color="textSecondary">
        You have not requested access to anything. On a dataset you may not
        read, the Preview tab offers “Request access”.
      </Typography>
    );
  } else {
    body = (
      <RequestsTable
        label="My requests"
        requests={mine.value.items}
        showRequester={false}
      />
    );
  }
  return <InfoCard title="My requests">{body}</InfoCard>;
}

function ToDecide() {
  const api = useApi(kamlDGovernanceApiRef);
  const toDecide = useAsyncRetry(
    () => api.listAccessRequests('to-decide'),
    [api],
  );
  const [deciding, setDeciding] = useState<{
    request: AccessRequest;
    decision: 'approve' | 'deny';
  }>();
  const [notice, setNotice] = useState<string>();

  let body;
  if (toDecide.loading && !toDecide.value) {
    body = <Progress aria-label="Reading the requests to decide" />;
  } else if (toDecide.error) {
    body = (
      <ResponseErrorPanel
        title={`Could not read the requests to decide: ${serverMessage(
          toDecide.error,
        )}`}
        error={toDecide.error}
      />
    );
  } else if (!toDecide.value?.items.length) {
    body = (
      <Typography color="textSecondary">
        Nobody has asked for access to what you own.
      </Typography>
    );
  } else {
    body = (
      <RequestsTable
        label="To decide"
        requests={toDecide.value.items}
        showRequester
        actions={r =>
          r.status === 'pending' ? (
            <>
              <Button
                size="small"
                color="primary"
                aria-label={`Approve ${r.id}`}
                onClick={() => setDeciding({ request: r, decision: 'approve' })}
              >
                Approve
              </Button>
              <Button
                size="small"
                color="secondary"
                aria-label={`Deny ${r.id}`}
                onClick={() => setDeciding({ request: r, decision: 'deny' })}
              >
                Deny
              </Button>
            </>
          ) : null
        }
      />
    );
  }
  return (
    <InfoCard title="To decide">
      {notice && <Alert severity="success">{notice}</Alert>}
      {body}
      {deciding && (
        <DecideDialog
          {...deciding}
          onClose={() => setDeciding(undefined)}
          onDecided={decided => {
            setDeciding(undefined);
            setNotice(
              `${decided.status === 'approved' ? 'Approved' : 'Denied'} ${
                decided.requester
              }’s request for ${decided.entityRef}.`,
            );
            toDecide.retry();
          }}
        />
      )}
    </InfoCard>
  );
}

/**
 * The Access requests page: the user's own requests, and the requests on what the user owns
 * with Approve and Deny.
 */
export function AccessRequestsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Access requests"
        subtitle="Ask the owners of a dataset for access; decide on requests for what you own"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <ToDecide />
          </Grid>
          <Grid item xs={12}>
            <MyRequests />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
