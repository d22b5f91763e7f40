/** Caps concurrent requests per host, FIFO, so one big source cannot hammer a shared API host. */
export class HostLimiter {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError(`host concurrency must be >= 1, got ${limit}`);
    this.#limit = limit;
  }

  /** Resolves with a release function once a slot for `host` is free. */
  async acquire(host: string): Promise<() => void> {
    const active = this.#active.get(host) ?? 0;
    if (active < this.#limit) {
      this.#active.set(host, active + 1);
    } else {
      // The releasing caller hands its slot over directly, so the count stays unchanged.
      await new Promise<void>((resolve) => {
        const queue = this.#waiting.get(host) ?? [];
        queue.push(resolve);
        this.#waiting.set(host, queue);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#release(host);
    };
  }

  #release(host: string): void {
    const next = this.#waiting.get(host)?.shift();
    if (next) return next();
    const active = (this.#active.get(host) ?? 1) - 1;
    if (active === 0) this.#active.delete(host);
    else this.#active.set(host, active);
  }
}
