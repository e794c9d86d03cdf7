// Sections other features add to the history page (the notifications their messages and deliveries), so the
// page shows them without the scheduler knowing those features: they register a source at start.

export interface HistorySectionItem {
  id: string;
  when: string;
  title: string;
  badge: string;
  badgeText: string;
  text: string;
  /** One line each, with a badge: e.g. a delivery to one channel and how it went. */
  lines: { label: string; badge: string; badgeText: string; detail: string | null }[];
}

export interface HistorySection {
  id: string;
  heading: string;
  /** Where the whole list is. */
  href: string;
  linkText: string;
  empty: string;
  items: HistorySectionItem[];
}

export class HistorySections {
  private readonly sources: (() => Promise<HistorySection>)[] = [];

  add(source: () => Promise<HistorySection>): void {
    this.sources.push(source);
  }

  /** Every registered section; one that fails to load is left out rather than failing the page. */
  async load(): Promise<HistorySection[]> {
    const loaded = await Promise.all(this.sources.map((s) => s().catch(() => null)));
    return loaded.filter((s): s is HistorySection => s !== null);
  }
}
