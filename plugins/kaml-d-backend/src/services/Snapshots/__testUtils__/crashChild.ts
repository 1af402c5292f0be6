// Child process of the crash tests: takes a snapshot or restores one, and is killed midway by the
// KAML_D_TEST_CRASH_AFTER_* hooks of the service.
import { CREDENTIALS, REF, openHarness } from './harness';

async function main() {
  const [mode, root, dbFile, snapshotId] = process.argv.slice(2);
  const { snapshots } = openHarness(root, dbFile);
  if (mode === 'snapshot') {
    await snapshots.create(REF, { message: 'crash me' }, CREDENTIALS);
  } else {
    await snapshots.restore(REF, snapshotId, {}, CREDENTIALS);
  }
  process.exit(0);
}

main().catch(error => {
  process.stderr.write(String(error));
  process.exit(1);
});
