// One wait budget for everything a page view asks Hetzner (progress, the list, what is not covered): each
// piece stops being waited for when the budget is spent, and carries on behind the page.

/** How long a page view waits for Hetzner, in all, before showing what it has. */
export const PAGE_WAIT_MS = 8_000;

export class PageDeadline {
  private readonly endsAt: number;

  /** Real time: it bounds how long a person waits, not domain time, so it never reads the clock. */
  constructor(ms: number = PAGE_WAIT_MS) {
    this.endsAt = performance.now() + ms;
  }

  /** `work`'s result, or `fallback` once the budget is spent first. */
  async race<T>(work: Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), Math.max(0, this.endsAt - performance.now()));
      timer.unref();
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when `work` finished within what is left of the budget. */
  finishes(work: Promise<unknown>): Promise<boolean> {
    return this.race(
      work.then(() => true),
      false,
    );
  }
}
