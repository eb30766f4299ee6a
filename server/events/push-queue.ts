/**
 * An async iterator fed by pushes: what graphql-ws consumes for one subscription.
 * `onClose` runs exactly once, whether the client unsubscribes or the server ends it.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private readonly waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private failure: unknown = null;
  private done = false;

  constructor(
    private readonly onClose: () => void,
    /** A consumer this far behind is cut off (with `overflow()`) rather than buffered without end. */
    private readonly limit = Number.POSITIVE_INFINITY,
    private readonly overflow: () => unknown = () => new Error("too far behind"),
  ) {}

  push(value: T): void {
    if (this.done) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ value, done: false });
    else if (this.values.length >= this.limit) this.end(this.overflow());
    else this.values.push(value);
  }

  /** Ends the stream after what is queued; with an error, the consumer receives it last. */
  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failure = error ?? null;
    this.onClose();
    for (const waiter of this.waiting.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  get closed(): boolean {
    return this.done;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.values.length > 0) return { value: this.values.shift()!, done: false };
    if (this.done) {
      if (this.failure) {
        const failure = this.failure;
        this.failure = null;
        throw failure;
      }
      return { value: undefined, done: true };
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.failure = null;
    this.end();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
