/**
 * Work that can pause: a handler written as a generator yields between slices of its work (a batch
 * of rules read, a slice of groups turned into answer items). Run to its end at once it is an
 * ordinary synchronous handler; driven by server/sliced-reads.ts it gives the event loop back
 * between slices, so one answer of 100,000 rules does not hold every other request for seconds.
 */
export type Sliced<T> = Generator<undefined, T, undefined>;

/** From this many rules in an account, the big reads over it run with pauses (server/sliced-reads.ts). */
export const SLICED_READ_MIN_RULES = 10_000;

/** Runs sliced work to its end without pausing: the synchronous handler. */
export function runToEnd<T>(work: Sliced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** `items` in consecutive slices of at most `size`. */
export function* slicesOf<T>(items: readonly T[], size: number): Generator<readonly T[], void, undefined> {
  if (items.length <= size) {
    // Nearly every answer: one slice, the list itself, not a copy.
    if (items.length > 0) yield items;
    return;
  }
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** Gives the event loop back: other requests' I/O and timers run before this resolves. */
export const pause = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs sliced work with a pause after each slice. `changeCount` is the store's (store.changeCount):
 * if it moves while the work is paused, what was read may mix two states, so this stops and answers
 * undefined, and the caller runs the work again at once (runToEnd) on the state as it is now.
 */
export async function runWithPauses<T>(work: Sliced<T>, changeCount: () => number): Promise<{ value: T } | undefined> {
  const changes = changeCount();
  let step = work.next();
  while (!step.done) {
    await pause();
    if (changeCount() !== changes) return undefined;
    step = work.next();
  }
  return { value: step.value };
}

/**
 * Between the slices of a big read other requests run; a write among them would force the read to
 * start over in one go (runWithPauses). So writes wait while big reads run, and a big read waits
 * while a write waits (no stream of big reads can starve writers). Reads that are not sliced never
 * wait: they take the event loop for a moment and see one state anyway.
 */
export class ReadWriteGate {
  private readsRunning = 0;
  private writersWaiting: (() => void)[] = [];
  private readsWaiting: (() => void)[] = [];

  /** Resolves when no big read is running (at once, most of the time). */
  beforeWrite(): Promise<void> | undefined {
    if (this.readsRunning === 0) return undefined;
    return new Promise((resolve) => this.writersWaiting.push(resolve));
  }

  /** Runs a big read once no writer waits. */
  async read<T>(work: () => Promise<T>): Promise<T> {
    if (this.writersWaiting.length > 0) await new Promise<void>((resolve) => this.readsWaiting.push(resolve));
    this.readsRunning++;
    try {
      return await work();
    } finally {
      this.readsRunning--;
      if (this.readsRunning === 0) this.releaseWaiting();
    }
  }

  private releaseWaiting(): void {
    // The writers first: each runs to its end at once when released. The reads that waited start
    // on the next turn of the event loop, after them.
    for (const resolve of this.writersWaiting.splice(0)) resolve();
    const reads = this.readsWaiting.splice(0);
    if (reads.length > 0) setImmediate(() => reads.forEach((resolve) => resolve()));
  }
}
