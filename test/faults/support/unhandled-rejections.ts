// Counts unhandled promise rejections, so the campaign can say after which cycle one happened.
//
// Under Jest a listener on `process` never fires: the test file gets a sandboxed `process`, and jest-circus
// takes the real process's 'unhandledRejection' listeners for itself while a test runs (it then fails the
// test). Its per-test record of them is read instead; outside Jest the plain listener counts.

interface JestCircusState {
  currentlyRunningTest?: { unhandledRejectionErrorByPromise?: Map<unknown, unknown> } | null;
}

export interface RejectionCounter {
  /** Unhandled rejections seen so far (ones handled late drop out, as in Node's own accounting). */
  count(): number;
  stop(): void;
}

export function countUnhandledRejections(): RejectionCounter {
  const own: unknown[] = [];
  const listener = (reason: unknown) => own.push(reason);
  process.on('unhandledRejection', listener);
  const stateKey = Object.getOwnPropertySymbols(globalThis).find(
    (symbol) => symbol.description === 'JEST_STATE_SYMBOL',
  );
  const jestState = () =>
    stateKey ? ((globalThis as Record<symbol, unknown>)[stateKey] as JestCircusState | undefined) : undefined;
  return {
    count: () =>
      own.length + (jestState()?.currentlyRunningTest?.unhandledRejectionErrorByPromise?.size ?? 0),
    stop: () => process.off('unhandledRejection', listener),
  };
}
