import { InputError } from '@backstage/errors';
import { ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { runSandbox, SandboxAnswer, SandboxJob } from './sandbox';

/** Set in the environment of a sandbox process started by {@link SandboxPool}. */
const SANDBOX_ENV = 'KAML_D_DUCKDB_SANDBOX';

// In a sandbox process this module is the entry: it answers each job it is sent, and ends with
// the backend (the IPC channel closes when the backend goes)
if (process.env[SANDBOX_ENV] === '1' && process.send) {
  const send = process.send.bind(process);
  process.on('message', (job: SandboxJob) => {
    runSandbox(job).then(answer => send({ sandboxAnswer: answer }));
  });
  process.on('disconnect', () => process.exit(0));
}

/** How long an idle sandbox process is kept before it is stopped. */
const IDLE_MS = 60_000;
/** Time a job may run past its own limit (DuckDB's interrupt) before its process is killed. */
const GRACE_MS = 5_000;
/**
 * Jobs after which a sandbox process is replaced: its address space grows with each DuckDB
 * instance it opens and closes (about 9 MB a job in a measurement), and the data limit counts it.
 */
const MAX_JOBS = 24;
/**
 * Address space Backstage's node transform takes in a sandbox process run from source
 * (development, tests): about 1.2 GB of data segment, before any job. Built code needs none.
 */
const TRANSFORM_DATA_BYTES = 2 * 1024 ** 3;
/** Environment variables a sandbox process gets from the backend's: no secrets. */
const PASSED_ENV = [
  'MALLOC_ARENA_MAX',
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'TZ',
  'NODE_PATH',
];

/**
 * Node's arguments for the sandbox process. Built, this module is JavaScript that Node runs as
 * is; from source (development, tests) it is TypeScript, which Node reads through Backstage's
 * node transform, as the development backend does.
 */
const fromSource = /\.tsx?$/.test(__filename);

function nodeArgs(heapMb: number): string[] {
  const args = [`--max-old-space-size=${heapMb}`];
  if (fromSource) {
    args.push(
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
    );
  }
  return [...args, __filename];
}

interface Slot {
  child: ChildProcess;
  idleTimer?: NodeJS.Timeout;
  jobs: number;
  /** The end of what the process wrote to stderr. */
  stderr: string;
}

/** How much of a sandbox's stderr is kept. */
const STDERR_TAIL_CHARS = 4096;

/**
 * Processes that run DuckDB sandboxes. A statement runs outside the backend's process: DuckDB
 * allocates list and string values outside its own `memory_limit` (`len(range(4e8))` reached
 * 19 GB of RSS in the backend), and closing an instance that held a large statement blocked the
 * event loop for 141 ms at p99. Each process runs under an operating-system data limit
 * (`memoryBytes`, RLIMIT_DATA), so such an allocation fails inside DuckDB with an out-of-memory
 * error, and under a JavaScript heap limit (`heapMb`); it gets no secret of the backend's
 * environment. At most `size` run at once, other jobs wait in order. A process that held large
 * values, failed, ended or outlived its job's time limit is stopped and replaced.
 */
export class SandboxPool {
  private readonly idle: Slot[] = [];
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly options: {
      size: number;
      heapMb: number;
      /** Data segment limit of each sandbox process (Linux RLIMIT_DATA), in bytes. */
      memoryBytes: number;
    },
  ) {}

  async run(job: SandboxJob): Promise<SandboxAnswer> {
    if (this.closed) throw new Error('the DuckDB engine is shut down');
    if (this.running >= this.options.size) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    }
    this.running++;
    const slot = this.idle.pop() ?? this.spawn();
    clearTimeout(slot.idleTimer);
    try {
      const answer = await this.send(slot, job);
      slot.jobs++;
      if (answer.recycle || slot.jobs >= MAX_JOBS) {
        slot.child.kill('SIGKILL');
        // a fresh process starts now, so the next job does not wait for it
        if (!this.closed) this.park(this.spawn());
      } else {
        this.park(slot);
      }
      return answer;
    } catch (error) {
      slot.child.kill('SIGKILL');
      throw error;
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Stops every sandbox process; running jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.idle.splice(0)) {
      clearTimeout(slot.idleTimer);
      slot.child.kill('SIGKILL');
    }
  }

  private spawn(): Slot {
    const env: NodeJS.ProcessEnv = { [SANDBOX_ENV]: '1' };
    for (const name of PASSED_ENV) {
      if (process.env[name] !== undefined) env[name] = process.env[name];
    }
    env.KAML_D_SANDBOX_DATA_KB = String(
      Math.ceil(
        (this.options.memoryBytes + (fromSource ? TRANSFORM_DATA_BYTES : 0)) /
          1024,
      ),
    );
    // the shell sets the limit, then becomes Node (exec): the limit holds for the whole process
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        'ulimit -d "$KAML_D_SANDBOX_DATA_KB" && exec "$@"',
        'kaml-d-sandbox',
        process.execPath,
        ...nodeArgs(this.options.heapMb),
      ],
      {
        env,
        // stderr is read here, never passed on: a sandbox that dies at its heap limit writes
        // V8's fatal report there, which must not look like the backend's own crash (and may
        // hold paths); the last lines stay on the slot for debugging
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      },
    );
    const slot: Slot = { child, jobs: 0, stderr: '' };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      slot.stderr = (slot.stderr + text).slice(-STDERR_TAIL_CHARS);
    });
    // an idle sandbox does not keep the backend process alive
    this.hold(slot, false);
    // a process that fails or ends while idle leaves the pool; the job running in a process
    // that fails answers with the error (see send)
    child.on('error', () => undefined);
    child.once('exit', () => {
      clearTimeout(slot.idleTimer);
      const index = this.idle.indexOf(slot);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return slot;
  }

  /** Whether the slot's process and channel keep the backend's event loop alive. */
  private hold(slot: Slot, held: boolean) {
    const stderr = slot.child.stderr as (Readable & Partial<Socket>) | null;
    if (held) {
      slot.child.ref();
      slot.child.channel?.ref();
      stderr?.ref?.();
    } else {
      slot.child.unref();
      slot.child.channel?.unref();
      stderr?.unref?.();
    }
  }

  private park(slot: Slot) {
    if (this.closed) {
      slot.child.kill('SIGKILL');
      return;
    }
    this.hold(slot, false);
    slot.idleTimer = setTimeout(() => slot.child.kill('SIGKILL'), IDLE_MS);
    slot.idleTimer.unref();
    this.idle.push(slot);
  }

  private send(slot: Slot, job: SandboxJob): Promise<SandboxAnswer> {
    const { child } = slot;
    const limitMb = Math.round(this.options.memoryBytes / 2 ** 20);
    this.hold(slot, true);
    return new Promise<SandboxAnswer>((resolve, reject) => {
      const listeners: {
        message?: (message: { sandboxAnswer?: SandboxAnswer }) => void;
        error?: (error: Error) => void;
        exit?: (code: number | null, signal: NodeJS.Signals | null) => void;
        watchdog?: NodeJS.Timeout;
      } = {};
      const finish = (settle: () => void) => {
        clearTimeout(listeners.watchdog);
        if (listeners.message) child.off('message', listeners.message);
        if (listeners.error) child.off('error', listeners.error);
        if (listeners.exit) child.off('exit', listeners.exit);
        settle();
      };
      // only answers: in development Node's transform sends its own messages (files to watch)
      listeners.message = message => {
        const answer = message?.sandboxAnswer;
        if (answer) finish(() => resolve(answer));
      };
      listeners.error = error =>
        finish(() =>
          reject(
            new Error(
              `${job.context} failed: its DuckDB sandbox process could not run (${error.message})`,
            ),
          ),
        );
      listeners.exit = (code, signal) =>
        finish(() =>
          reject(
            new InputError(
              `${job.context} was stopped: its DuckDB sandbox process ended (${
                signal ?? `exit code ${code}`
              }), most likely at its memory limit (${limitMb} MB of data, kamlD.query.duckdb.processMemoryLimit; ${
                this.options.heapMb
              } MB of JavaScript heap); select fewer rows or columns, or aggregate.`,
            ),
          ),
        );
      listeners.watchdog = setTimeout(
        () =>
          finish(() =>
            reject(
              new InputError(
                `${job.context} ran longer than ${Math.round(
                  job.timeoutMs / 1000,
                )} s and was stopped; filter the data or select fewer rows.`,
              ),
            ),
          ),
        job.timeoutMs + GRACE_MS,
      );
      child.on('message', listeners.message);
      child.on('error', listeners.error);
      child.on('exit', listeners.exit);
      child.send(job, error => {
        if (error) listeners.error?.(error);
      });
    });
  }
}

/** The answer's result, or its error rethrown as the user (InputError) or server error it is. */
export function unwrap(
  answer: SandboxAnswer,
): Exclude<SandboxAnswer, { ok: false }> {
  if (answer.ok) return answer;
  throw answer.userError
    ? new InputError(answer.message)
    : new Error(answer.message);
}
