/**
 * At most `limit` tasks at once; the rest wait their turn in FIFO order (so a batch's reads start
 * in its events' order and the first events are filled first).
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('a semaphore needs a limit of 1 or more');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips and lets another in first.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
