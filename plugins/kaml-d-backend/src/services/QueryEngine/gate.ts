import { ServiceUnavailableError } from '@backstage/errors';

/**
 * Too many engine operations at once: the queue is full, or the wait for a slot ran out. The
 * query route answers it with 429 and `Retry-After`; other routes with 503.
 */
export class QueryQueueFullError extends ServiceUnavailableError {
  constructor(
    message: string,
    /** Seconds after which a retry is likely to find a slot. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Runs at most `maxConcurrent` operations at once; up to `queueSize` more wait in order. */
export class QueryGate {
  private running = 0;
  private readonly waiting: Array<{
    start: () => void;
    timer: NodeJS.Timeout;
  }> = [];

  constructor(
    private readonly options: {
      maxConcurrent: number;
      queueSize: number;
      queueTimeoutMs: number;
    },
  ) {}

  /** Operations running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private retryAfter(): number {
    return Math.max(1, Math.ceil(this.options.queueTimeoutMs / 1000 / 2));
  }

  private acquire(): Promise<void> {
    const { maxConcurrent, queueSize, queueTimeoutMs } = this.options;
    if (this.running < maxConcurrent && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= queueSize) {
      return Promise.reject(
        new QueryQueueFullError(
          `${maxConcurrent} queries are running and ${this.waiting.length} are waiting, the most this backend takes (kamlD.query.maxConcurrent, kamlD.query.queueSize); retry in a few seconds.`,
          this.retryAfter(),
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        start: () => {
          clearTimeout(entry.timer);
          this.running++;
          resolve();
        },
        timer: setTimeout(() => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(
            new QueryQueueFullError(
              `The query waited ${Math.round(
                queueTimeoutMs / 1000,
              )} s for one of the ${maxConcurrent} query slots of this backend (kamlD.query.maxConcurrent) and was not run; retry later.`,
              this.retryAfter(),
            ),
          );
        }, queueTimeoutMs),
      };
      this.waiting.push(entry);
    });
  }

  private release() {
    this.running--;
    const next = this.waiting.shift();
    if (next) next.start();
  }
}
