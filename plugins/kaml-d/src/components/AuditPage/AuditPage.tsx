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
  auditReadPermission,
  AuditAction,
  AuditEvent,
} from '@kaml-d/plugin-kaml-d-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  AuditLogFilters,
  kamlDGovernanceApiRef,
} from '../../api/GovernanceApi';
import { serverMessage } from '../shared/errors';
import { useBasicPermission } from '../shared/permissionGate';

/** Every audited action with the words the table shows. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'dataset.upload': 'Dataset uploaded',
  'dataset.register': 'Dataset registered',
  'dataset.rescan': 'Rescan asked for',
  'dataset.snapshot.create': 'Snapshot taken',
  'dataset.snapshot.restore': 'Snapshot restored',
  'dataset.snapshot.delete': 'Snapshot deleted',
  'model.version.register': 'Model version registered',
  'model.version.promote': 'Alias promoted',
  'model.train': 'Training launched',
  'model.deploy': 'Model deployed',
  'access.request': 'Access requested',
  'access.approve': 'Access approved',
  'access.deny': 'Access denied',
};

const ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[];

/** Page sizes offered; the server accepts up to 500. */
export const AUDIT_PAGE_SIZES = [25, 50, 100] as const;

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'center',
    marginBottom: theme.spacing(2),
  },
  select: { minWidth: theme.spacing(24) },
  details: {
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    wordBreak: 'break-all',
  },
  failure: { color: theme.palette.error.main },
}));

interface FilterForm {
  actor: string;
  action: AuditAction | '';
  entityRef: string;
  /** `datetime-local` values, in the browser's time zone. */
  since: string;
  until: string;
}

const EMPTY_FORM: FilterForm = {
  actor: '',
  action: '',
  entityRef: '',
  since: '',
  until: '',
};

/** The filters the server reads: empty fields left out, local times as ISO 8601 instants. */
export function toFilters(form: FilterForm): AuditLogFilters {
  const filters: AuditLogFilters = {};
  if (form.actor.trim()) filters.actor = form.actor.trim();
  if (form.action) filters.action = form.action;
  if (form.entityRef.trim()) filters.entityRef = form.entityRef.trim();
  if (form.since) filters.since = new Date(form.since).toISOString();
  if (form.until) filters.until = new Date(form.until).toISOString();
  return filters;
}

/** A user ref as a link to the user; a service actor as text. */
function Actor(props: { actor: string }) {
  return props.actor.startsWith('user:') ? (
    <EntityRefLink entityRef={props.actor} hideIcon />
  ) : (
    <>{props.actor}</>
  );
}

/** Saves the export as a file through a temporary link. */
function download(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

function AuditLog() {
  const classes = useStyles();
  const api = useApi(kamlDGovernanceApiRef);
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM);
  const [filters, setFilters] = useState<AuditLogFilters>({});
  const [limit, setLimit] = useState<number>(AUDIT_PAGE_SIZES[0]);
  // cursors of the pages read so far: the last one is the current page
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string>();
  const before = cursors[cursors.length - 1];

  const page = useAsync(
    () => api.getAuditLog({ ...filters, limit, before }),
    [api, filters, limit, before],
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(toFilters(form));
    setCursors([undefined]);
  };
  const change =
    (key: keyof FilterForm) => (event: { target: { value: unknown } }) =>
      setForm(f => ({ ...f, [key]: String(event.target.value) }));

  const exportLines = async () => {
    setExporting(true);
    setExportError(undefined);
    try {
      download(await api.exportAuditLog(filters), 'kaml-d-audit.jsonl');
    } catch (e) {
      setExportError(serverMessage(e as Error));
    } finally {
      setExporting(false);
    }
  };

  let body;
  if (page.loading) {
    body = <Progress aria-label="Reading the audit log" />;
  } else if (page.error) {
    body = (
      <ResponseErrorPanel
        title={`Could not read the audit log: ${serverMessage(page.error)}`}
        error={page.error}
      />
    );
  } else if (!page.value?.items.length) {
    body = (
      <Typography color="textSecondary">
        {cursors.length > 1
          ? 'No older events.'
          : 'No events match these filters.'}
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Audit events">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Who</TableCell>
            <TableCell>Action</TableCell>
            <TableCell>Entity</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell>Details</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {page.value.items.map((event: AuditEvent) => (
            <TableRow key={event.id} data-audit-id={event.id}>
              <TableCell title={event.at}>
                {new Date(event.at).toLocaleString()}
              </TableCell>
              <TableCell>
                <Actor actor={event.actor} />
              </TableCell>
              <TableCell title={event.action}>
                {AUDIT_ACTION_LABELS[event.action] ?? event.action}
              </TableCell>
              <TableCell>
                {event.entityRef ? (
                  <EntityRefLink entityRef={event.entityRef} hideIcon />
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell
                className={
                  event.outcome === 'failure' ? classes.failure : undefined
                }
              >
                {event.outcome}
              </TableCell>
              <TableCell className={classes.details}>
                {Object.keys(event.details).length
                  ? JSON.stringify(event.details)
                  : '—'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <InfoCard title="Audit log">
      <form className={classes.filters} onSubmit={apply} aria-label="Filters">
        <TextField
          id="kaml-d-audit-actor"
          label="Who"
          placeholder="user:default/bob"
          size="small"
          variant="outlined"
          value={form.actor}
          onChange={change('actor')}
        />
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="kaml-d-audit-action">Action</InputLabel>
          <Select
            labelId="kaml-d-audit-action"
            label="Action"
            value={form.action}
            onChange={change('action')}
          >
            <MenuItem value="">Any action</MenuItem>
            {ACTIONS.map(action => (
              <MenuItem key={action} value={action}>
                {AUDIT_ACTION_LABELS[action]}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <TextField
          id="kaml-d-audit-entity"
          label="Entity"
          placeholder="dataset:default/finance-transactions"
          size="small"
          variant="outlined"
          value={form.entityRef}
          onChange={change('entityRef')}
        />
        <TextField
          id="kaml-d-audit-since"
          label="From"
          type="datetime-local"
          size="small"
          variant="outlined"
          InputLabelProps={{ shrink: true }}
          value={form.since}
          onChange={change('since')}
        />
        <TextField
          id="kaml-d-audit-until"
          label="Until"
          type="datetime-local"
          size="small"
          variant="outlined"
          InputLabelProps={{ shrink: true }}
          value={form.until}
          onChange={change('until')}
        />
        <Button type="submit" variant="contained" color="primary">
          Apply filters
        </Button>
        <Button
          onClick={() => {
            setForm(EMPTY_FORM);
            setFilters({});
            setCursors([undefined]);
          }}
        >
          Clear
        </Button>
        <Button variant="outlined" disabled={exporting} onClick={exportLines}>
          Export JSON lines
        </Button>
      </form>
      {exportError && (
        <Alert severity="error">Could not export: {exportError}</Alert>
      )}
      {body}
      <Box display="flex" alignItems="center" gridGap={8} marginTop={2}>
        <FormControl variant="outlined" size="small">
          <InputLabel id="kaml-d-audit-limit">Per page</InputLabel>
          <Select
            labelId="kaml-d-audit-limit"
            label="Per page"
            value={limit}
            onChange={event => {
              setLimit(Number(event.target.value));
              setCursors([undefined]);
            }}
          >
            {AUDIT_PAGE_SIZES.map(n => (
              <MenuItem key={n} value={n}>
                {n}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Button
          disabled={cursors.length <= 1 || page.loading}
          onClick={() => setCursors(c => c.slice(0, -1))}
        >
          Newer
        </Button>
        <Typography variant="body2">Page {cursors.length}</Typography>
        <Button
          disabled={!page.value?.nextBefore || page.loading}
          onClick={() => setCursors(c => [...c, page.value?.nextBefore])}
        >
          Older
        </Button>
      </Box>
    </InfoCard>
  );
}

/**
 * The audit log for SREs and admins: who did what to which entity and when, filtered, paged and
 * exportable as JSON lines. Others read which permission they need.
 */
export function AuditPage() {
  const gate = useBasicPermission(auditReadPermission, 'Reading the audit log');
  let body;
  if (gate.loading) {
    body = <Progress aria-label="Checking your permissions" />;
  } else if (!gate.allowed) {
    body = (
      <Alert severity="warning" data-permission={gate.permission}>
        You need {gate.permission} to read the audit log. {gate.reason}. SREs
        and portal admins hold it.
      </Alert>
    );
  } else {
    body = <AuditLog />;
  }
  return (
    <Page themeId="tool">
      <Header
        title="Audit log"
        subtitle="Uploads, snapshots, restores, training, deployments, promotions and access decisions"
      />
      <Content>{body}</Content>
    </Page>
  );
}
