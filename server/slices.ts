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
