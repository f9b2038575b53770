import { inRequestTransaction } from '../store/request-transaction.js';

/**
 * Coalesces reads by key: the keys asked for in the same turn of the event loop (or while the
 * allowed number of reads is already in flight) are read with one query instead of one each.
 * The purchase batcher does the same for writes (ADR 7); for reads it saves a round trip, a
 * statement's parse-bind-execute on PostgreSQL and a socket write on both sides per request
 * (docs/adr/0014-read-batching.md). A read issued after a write was committed sees it:
 * nothing is cached, a key only waits for the next query.
 */
export class ReadBatcher<K, V> {
  #queue = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
  #inFlight = 0;
  #scheduled = false;

  constructor(
    /** Reads every key given; a key missing from the answer reads as undefined. */
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly options: { maxBatch: number; maxInFlight: number } = { maxBatch: 128, maxInFlight: 4 },
  ) {}

  load(key: K): Promise<V | undefined> {
    // Inside a request transaction (Idempotency-Key, ADR 24) the read must see the request's own
    // writes and use its connection, and other requests' keys must not ride on it: read alone.
    if (inRequestTransaction()) return this.loadMany([key]).then((found) => found.get(key));
    return new Promise((resolve, reject) => {
      const waiting = this.#queue.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.#queue.set(key, [{ resolve, reject }]);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.size === 0 || this.#inFlight >= this.options.maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#queue.size > 0 && this.#inFlight < this.options.maxInFlight) {
      const batch = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
      for (const [key, waiting] of this.#queue) {
        if (batch.size >= this.options.maxBatch) break;
        batch.set(key, waiting);
        this.#queue.delete(key);
      }
      this.#inFlight++;
      void this.loadMany([...batch.keys()])
        .then(
          (found) => {
            for (const [key, waiting] of batch) for (const w of waiting) w.resolve(found.get(key));
          },
          (e: unknown) => {
            for (const waiting of batch.values()) for (const w of waiting) w.reject(e);
          },
        )
        .finally(() => {
          this.#inFlight--;
          this.#schedule();
        });
    }
  }
}
