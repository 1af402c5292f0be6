const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Bytes of a Kubernetes storage quantity (`1Gi`, `500M`, `1073741824`); undefined if unreadable. */
export function quantityBytes(
  quantity: string | undefined,
): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(quantity ?? '');
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2] ?? '']);
}
