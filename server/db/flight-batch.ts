import DataLoader from "dataloader";

/** Statements of one batcher in flight at once; calls made while this many are out wait for one to end. */
const IN_FLIGHT = 2;

/**
 * Group commit for one kind of statement, across requests: while statements are in flight, the
 * calls made meanwhile queue up and the next statement serves them all, so under load one round
 * trip (and one commit) serves many requests instead of one each, and an idle server sends a
 * call's statement at once. Two may be in flight, so one slow statement does not hold up every
 * request behind it. Nothing is cached: every call is answered by a statement sent after it was
 * made. `run` answers each key in order, or an Error for that key alone.
 */
export function batchWhileInFlight<K, V>(run: (keys: readonly K[]) => Promise<Array<V | Error>>, maxBatchSize: number): (key: K) => Promise<V> {
  const inFlight = new Set<Promise<unknown>>();
  const loader = new DataLoader<K, V>(
    (keys) => {
      const answered = run(keys);
      const settled: Promise<unknown> = answered.then(
        () => inFlight.delete(settled),
        () => inFlight.delete(settled),
      );
      inFlight.add(settled);
      return answered;
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => {
        if (inFlight.size < IN_FLIGHT) setImmediate(dispatch);
        else void Promise.race(inFlight).then(() => setImmediate(dispatch));
      },
    },
  );
  return (key) => loader.load(key);
}
