import DataLoader from "dataloader";

/**
 * Group commit for one kind of statement, across requests: while a statement is in flight, the
 * calls made meanwhile queue up and the next statement serves them all, so under load one round
 * trip (and one commit) serves many requests instead of one each, and an idle server sends a
 * call's statement at once. Nothing is cached: every call is answered by a statement sent after
 * it was made. `run` answers each key in order, or an Error for that key alone.
 */
export function batchWhileInFlight<K, V>(run: (keys: readonly K[]) => Promise<Array<V | Error>>, maxBatchSize: number): (key: K) => Promise<V> {
  let inFlight: Promise<unknown> = Promise.resolve();
  const loader = new DataLoader<K, V>(
    (keys) => {
      const answered = run(keys);
      inFlight = answered.catch(() => undefined);
      return answered;
    },
    { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => void inFlight.then(() => setImmediate(dispatch)) },
  );
  return (key) => loader.load(key);
}
