/** Snapshot ids as the service makes them: `snap-20261126t070102z-3f9a1c`. */
export const SNAPSHOT_ID_PATTERN = /^snap-\d{8}t\d{6}z-[0-9a-f]{6}$/;
