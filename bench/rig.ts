/**
 * What the benches read from the rig the project starts (e2e/rig/rig.sh): its settings from
 * rig.env and the CPU time its MinIO server has used, for figures that say where the time went.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const state = () => process.env.KAML_RIG_STATE ?? join(root, 'e2e', '.rig');

/** A rig setting: the environment's value, else the rig's rig.env; throws naming the service to start. */
export function rigEnv(name: string, service = 'minio'): string {
  if (process.env[name]) return String(process.env[name]);
  const file = join(state(), 'rig.env');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // reported below with the setting's name
  }
  const line = text.split('\n').find(l => l.startsWith(`export ${name}=`));
  if (!line)
    throw new Error(
      `${name} is not in ${file}: start the rig's ${service} first (e2e/rig/rig.sh start ${service})`,
    );
  return line.slice(`export ${name}=`.length).replace(/^'|'$/g, '');
}

/** CPU time (user + system) the rig's MinIO server has used so far, from /proc; -1 when unknown. */
export function minioCpuMs(): number {
  try {
    const pid = readFileSync(join(state(), 'pids', 'minio.pid'), 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    // utime and stime, in clock ticks of 1/100 s
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return -1;
  }
}
