import { NoticeAlert } from './notice';
import { RestoreSnapshotDialog } from './RestoreSnapshotDialog';
import { SnapshotDiffView } from './SnapshotDiffView';
import { SnapshotPreview } from './SnapshotPreview';
import { SnapshotTimeline } from './SnapshotTimeline';
import { SnapshotToolbar } from './SnapshotToolbar';
import { useDatasetSnapshots } from './useDatasetSnapshots';

export { SnapshotDiffView } from './SnapshotDiffView';

/**
 * The Versions tab of a Dataset: its snapshot timeline, taking a snapshot, the diff of two
 * snapshots (or one and the current state), restoring one, the model versions trained on each and
 * a preview of a snapshot's first rows.
 */
export function DatasetVersionsContent() {
  const tab = useDatasetSnapshots();
  const { draft, selection, restoring, preview } = tab;
  return (
    <>
      <SnapshotToolbar
        message={draft.message}
        onMessageChange={draft.setMessage}
        onTakeSnapshot={draft.takeSnapshot}
        selectedCount={selection.selected.length}
        onCompare={selection.compare}
        busy={tab.busy}
        denied={tab.denied}
      />
      <NoticeAlert notice={tab.notice} />
      {selection.diff && <SnapshotDiffView diff={selection.diff} />}
      {preview.snapshotId && (
        <SnapshotPreview snapshotId={preview.snapshotId} />
      )}
      <SnapshotTimeline
        entityRef={tab.entityRef}
        datasetTitle={tab.datasetTitle}
        snapshots={tab.snapshots}
        highlighted={tab.highlighted}
        selected={selection.selected}
        actions={{
          onToggle: selection.toggle,
          onPreview: preview.show,
          onRestore: restoring.ask,
          restoreDisabled: tab.restoreDisabled,
          restoreDenied: tab.denied.restore,
        }}
      />
      <RestoreSnapshotDialog
        snapshot={restoring.snapshot}
        onCancel={restoring.cancel}
        onRestore={restoring.restore}
      />
    </>
  );
}
