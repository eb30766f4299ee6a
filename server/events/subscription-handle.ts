/**
 * What graphql-ws iterates for one of our subscriptions. Results do not pass through
 * it: the EventHub writes each event's bytes straight to the socket. The handle only
 * carries the end, and `onClose` runs exactly once, whether the client unsubscribes
 * (graphql-ws calls return()) or the server ends it (end(), with an error to report).
 */
export class SubscriptionHandle implements AsyncIterableIterator<never> {
  private readonly waiting: Array<{ resolve: (r: IteratorResult<never>) => void; reject: (e: unknown) => void }> = [];
  private failure: unknown = null;
  private done = false;

  constructor(private readonly onClose: () => void) {}

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

  async next(): Promise<IteratorResult<never>> {
    if (this.done) {
      const failure = this.failure;
      this.failure = null;
      if (failure) throw failure;
      return { value: undefined, done: true };
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<never>> {
    this.failure = null;
    this.end();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
