// In Chromium, on the demo's data (plus enough automatic snapshots for 23 on this server): the pages people
// look at rather than read. The retention timeline and its text alternative, the compact phone list (its
// height measured), each row's menu by keyboard, the filters and the paging, the settings form that shows only
// the chosen frequency (with and without JavaScript) and its live preview, the history strip, and axe-core on
// every page at 1280 px and 390 px. SCREENSHOTS_TO_DOCS=1 also writes the README's pictures to docs/screenshots.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_SERVER_NAME, DEMO_TOKEN, FakeHcloud, FakeServerRecord } from '../../src/fake-hcloud';
import { CycleRun } from '../../src/hetzner-snapshots/cycle/cycle-run.entity';
import { SnapshotCycleService } from '../../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { SettingsService } from '../../src/hetzner-snapshots/settings/settings.service';
import { SnapshotListingService } from '../../src/hetzner-snapshots/snapshots/snapshot-listing.service';
import {
  collectProblems,
  describeBrowser,
  launchBrowser,
  screenshot,
  SCREENSHOT_DIR,
} from '../support/browser';
import { ADMIN, PanelHarness, startPanel } from '../support/panel-harness';
import { scheduleForm } from '../support/settings-forms';

const SUITE = 'visual-tour';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const AUTO_LABELS = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };
const DOCS_DIR = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const TO_DOCS = process.env.SCREENSHOTS_TO_DOCS === '1';
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describeBrowser('pages to look at, in Chromium', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;
  let panel: PanelHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  /** What axe found, page by page, for the report at the end. */
  const axeReport: string[] = [];

  beforeAll(async () => {
    fs.rmSync(path.join(SCREENSHOT_DIR, SUITE), { recursive: true, force: true });
    fake = await FakeHcloud.start({ seed: 'demo', actionDurationMs: 1000 });
    server = fake.servers().find((s) => s.name === DEMO_SERVER_NAME)!;
    const now = fake.now().getTime();
    // 16 more automatic snapshots, two a day back to 8 days: with the demo's 7 this server has 23.
    for (let i = 0; i < 16; i++) {
      const created = new Date(now - (i * 12 + 9) * HOUR_MS);
      fake.addImage({
        serverId: server.id,
        labels: AUTO_LABELS,
        description: `${DEMO_SERVER_NAME} auto ${created.toISOString().slice(0, 13)}h`,
        created,
        imageSize: 2.1 + (i % 3) * 0.2,
      });
    }
    panel = await startPanel({
      env: {
        HCLOUD_ENDPOINT: fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
        HCLOUD_TOKEN: DEMO_TOKEN,
      },
    });
    await panel.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(panel.app.getHttpServer().address() as { port: number }).port}`;
    // Daily at a time that is not now, with tiers on, so the timeline draws buckets and next runs.
    const result = await panel.get<SettingsService>(SettingsService).updateSchedule(
      scheduleForm({
        enabled: 'true',
        frequencyKind: 'daily',
        dailyAt: '03:30',
        retentionDays: '3',
        keepMin: '3',
        tiersEnabled: 'true',
        tierHourly: '0',
        tierDaily: '7',
        tierWeekly: '0',
        tierMonthly: '0',
      }),
      'cli',
    );
    expect(result.ok).toBe(true);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    collectProblems(page, problems);
    await panel.signedIn(); // creates the admin
    await page.goto(`${base}/login`);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/snapshots');
  }, 60_000);

  afterAll(async () => {
    if (axeReport.length > 0) console.log(`axe-core:\n${axeReport.join('\n')}`);
    await browser?.close();
    await panel?.close();
    await fake?.close();
  });

  /** axe-core in the page (evaluated, as an injected <script> would be refused by the CSP like any other). */
  async function axe(p: Page, label: string): Promise<AxeViolation[]> {
    await p.evaluate(AXE_SOURCE);
    const violations = await p.evaluate(async () => {
      const run = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await run.run()).violations;
    });
    axeReport.push(
      `  ${label}: ${violations.length === 0 ? '0 violations' : violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ')}`,
    );
    return violations;
  }

  /**
   * The step's full page to test-output; with SCREENSHOTS_TO_DOCS=1 also one screen of it to docs/screenshots
   * (the README's pictures): from the top, or from `from` (a selector) down, small enough to commit.
   */
  async function shoot(name: string, docsName?: string, from?: string): Promise<void> {
    await screenshot(page, SUITE, name);
    if (!TO_DOCS || !docsName) return;
    fs.mkdirSync(DOCS_DIR, { recursive: true });
    const top = from
      ? await page
          .locator(from)
          .first()
          .evaluate((el) => el.getBoundingClientRect().top + window.scrollY - 12)
      : 0;
    await page.evaluate((y) => window.scrollTo(0, y), top);
    await page.screenshot({ path: path.join(DOCS_DIR, `${docsName}.png`) });
    await page.evaluate(() => window.scrollTo(0, 0));
  }

  const rows = () => page.locator('tbody tr[data-snapshot-id]');

  // Each test starts on a desktop, whatever the one before it left.
  beforeEach(async () => {
    await page.setViewportSize(DESKTOP);
  });

  it('draws the retention timeline from the pruner’s plan, with the same facts in words', async () => {
    await page.goto(`${base}/snapshots`);
    expect(await page.locator('[data-summary="count"]').innerText()).toBe('23 snapshots');
    // Two drawings of the same picture (wide, narrow); CSS shows the one that fits.
    const svg = page.locator('.timeline svg.timeline-wide[role="img"]');
    expect(await svg.isVisible()).toBe(true);
    expect(await page.locator('.timeline svg.timeline-narrow').isVisible()).toBe(false);
    expect(await svg.getAttribute('aria-labelledby')).toBe('tl-title-wide tl-desc-wide');
    const title = await svg.locator('title#tl-title-wide').textContent();
    const desc = await svg.locator('desc#tl-desc-wide').textContent();
    expect(title).toMatch(/^Retention timeline: 23 snapshots over the last \d+ days$/);
    // The sentence under the picture says what the picture says, and agrees with the rows.
    const words = page.locator('.timeline details > summary');
    await words.click();
    expect(await page.locator('[data-timeline-text]').innerText()).toBe(desc);
    const deleting = await svg.locator('.tl-mark.tl-delete').count();
    const removed = await page.getByText('removed at the next prune').count();
    expect(deleting).toBe(removed);
    expect(deleting).toBeGreaterThan(0);
    expect(desc).toContain(`The next prune deletes ${deleting}: `);
    expect(desc).toContain(`and ${deleting - 3} more.`);
    expect(desc).toContain(
      'Retention keeps automatic snapshots for 3 days, plus the newest of each day for 7 days',
    );
    expect(desc).toMatch(/Next runs: .*03:30/);
    expect(await svg.locator('.tl-tier').count()).toBe(1);
    expect(await svg.locator('.tl-run').count()).toBeGreaterThan(0);
    expect(await svg.locator('.tl-mark.tl-protected').count()).toBe(1);
    expect(await svg.locator('.tl-mark').count()).toBe(23);
    expect(await words.innerText()).toBe(`In words: the next prune deletes ${deleting} of 23 snapshots`);
    // Until when each one is kept: a line per snapshot in the list under the sentence.
    expect(await page.locator('.tl-list li').count()).toBe(23);
    expect(await page.locator('.tl-list').innerText()).toMatch(/kept until/);
    expect(problems).toEqual([]);
    await words.click();
    await shoot('01-snapshots-desktop', 'snapshots-desktop', 'section[aria-label="Summary"]');
    // Dark mode: the same custom properties, their dark values.
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, SUITE, '01b-snapshots-desktop-dark');
    await page
      .locator('section[aria-labelledby="timeline-heading"]')
      .screenshot({ path: path.join(SCREENSHOT_DIR, SUITE, '01c-timeline-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps every row’s menu in view at tablet and desktop widths', async () => {
    for (const width of [768, 1024, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/snapshots`);
      const box = (await page.locator('tbody tr summary').first().boundingBox())!;
      expect({ width, inView: box.x + box.width <= width - 20 }).toEqual({ width, inView: true });
    }
  });

  it('lists 23 snapshots on a phone in three lines each', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/snapshots`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(`snapshots page at 390 px with 23 snapshots: ${height} px tall`);
    await shoot('02-snapshots-phone', 'snapshots-phone', 'section[aria-labelledby="timeline-heading"]');
    // The tall page in screen-sized slices too, which a person can read at full size.
    for (const y of [0, 800, 1600, 2400, 3200])
      await page.screenshot({
        path: path.join(SCREENSHOT_DIR, SUITE, `slice-${y}.png`),
        fullPage: true,
        clip: { x: 0, y, width: 390, height: 800 },
      });
    expect(width).toBeLessThanOrEqual(PHONE.width);
    expect(await rows().count()).toBe(23);
    expect(await page.locator('.timeline svg.timeline-narrow').isVisible()).toBe(true);
    // At most three lines: the cells' vertical centres fall in at most three bands, 12 px apart or more.
    const lines = await page.evaluate(() =>
      Array.from(document.querySelectorAll('tbody tr[data-snapshot-id]')).map((tr) => {
        const centres = Array.from(tr.children)
          .map((td) => td.getBoundingClientRect())
          .filter((box) => box.height > 0)
          .map((box) => box.top + box.height / 2)
          .sort((a, b) => a - b);
        return centres.filter((c, i) => i === 0 || c - centres[i - 1] > 12).length;
      }),
    );
    const texts = await rows().allInnerTexts();
    expect(lines.map((n, i) => (n > 3 ? `${n} lines: ${texts[i]}` : 'ok')).filter((t) => t !== 'ok')).toEqual(
      [],
    );
    expect(height).toBeLessThanOrEqual(4000);
    await page.setViewportSize(DESKTOP);
  });

  it('opens a row’s menu with the keyboard, closes it with Escape, and acts from it', async () => {
    await page.goto(`${base}/snapshots`);
    const auto = fake
      .images()
      .filter((i) => i.createdFrom?.id === server.id && i.labels['snapshot-panel/kind'] === 'auto')
      .sort((a, b) => b.created.getTime() - a.created.getTime())[0];
    const summary = page.locator(`#snapshot-${auto.id} summary`);
    await page.locator('#f-q').focus();
    let reached = false;
    for (let presses = 0; presses < 80 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = await summary.evaluate((el) => el === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.locator(`#snapshot-${auto.id} details`).getAttribute('open')).not.toBeNull();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Keep snapshot ${auto.id}`,
    );
    await shoot('03-row-menu-open');
    // The open menu as a person sees it (the full-page picture above is scaled down).
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, SUITE, '03b-row-menu-open-screen.png') });
    await page.keyboard.press('Escape');
    expect(await page.locator(`#snapshot-${auto.id} details`).getAttribute('open')).toBeNull();
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText(`is now kept: retention never removes it.`).waitFor();
    expect(fake.images().find((i) => i.id === auto.id)!.labels['snapshot-panel/kind']).toBe('kept');
    expect(problems).toEqual([]);
  });

  it('filters by kind and by text, and pages beyond 50 rows', async () => {
    await page.goto(`${base}/snapshots`);
    await page.getByLabel('Kind').selectOption('manual');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL('**/snapshots?kind=manual*');
    expect(await rows().count()).toBe(1);
    expect(await page.locator('[data-filter-count]').innerText()).toBe('1 of 23 snapshots match');
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Search').fill('GOLDEN');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/snapshots?kind=&q=GOLDEN');
    expect(await rows().allInnerTexts()).toEqual([expect.stringContaining('golden image')]);
    await page.getByLabel('Search').fill('nothing like this');
    await page.keyboard.press('Enter');
    await page.locator('[data-no-match]').waitFor();
    await page.getByRole('link', { name: 'Clear' }).click();
    expect(await rows().count()).toBe(23);

    // 40 more: 63 in all, so two pages of at most 50, and the filter carries over to page 2.
    fake.addImages(40, { serverId: server.id, labels: AUTO_LABELS, description: 'bulk auto', imageSize: 1 });
    await panel.get<SnapshotListingService>(SnapshotListingService).markStale(server.id);
    await page.goto(`${base}/snapshots?kind=auto`);
    await page.getByText('Page 1 of 2').waitFor();
    expect(await rows().count()).toBe(50);
    await page.getByRole('link', { name: 'Older →' }).click();
    await page.waitForURL('**/snapshots?kind=auto&page=2');
    const rest = await rows().count();
    expect(rest).toBeGreaterThan(0);
    expect(rest).toBeLessThan(50);
    expect(await page.locator('[data-filter-count]').innerText()).toMatch(/^\d+ of 63 snapshots match$/);
    expect(problems).toEqual([]);
  });

  it('shows only the chosen frequency’s inputs, with or without JavaScript, and previews as you type', async () => {
    const visible = async (p: Page) => ({
      hours: await p.locator('#f-everyHours').isVisible(),
      daily: await p.locator('#f-dailyAt').isVisible(),
      weekly: await p.locator('#f-weeklyDay').isVisible(),
      cron: await p.locator('#f-cron').isVisible(),
      tiers: await p.locator('#f-tierDaily').isVisible(),
    });
    const noScript = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const cookies = await context.cookies();
    await noScript.addCookies(cookies);
    const plain = await noScript.newPage();
    await plain.goto(`${base}/settings`);
    expect(await visible(plain)).toEqual({
      hours: false,
      daily: true,
      weekly: false,
      cron: false,
      tiers: true,
    });
    await plain.locator('input[name=frequencyKind][value=cron]').check();
    await plain.locator('input[name=tiersEnabled][value=false]').check();
    expect(await visible(plain)).toEqual({
      hours: false,
      daily: false,
      weekly: false,
      cron: true,
      tiers: false,
    });
    await plain.locator('input[name=frequencyKind][value=weekly]').check();
    expect(await visible(plain)).toEqual({
      hours: false,
      daily: false,
      weekly: true,
      cron: false,
      tiers: false,
    });
    // Without JavaScript the preview is a round trip, and it draws the timeline of the unsaved change.
    await plain.getByRole('button', { name: 'Preview next runs' }).click();
    await plain.locator('#preview').waitFor();
    expect(await plain.locator('[data-live-timeline] svg.timeline-wide[role="img"]').count()).toBe(1);
    await noScript.close();

    await page.goto(`${base}/settings`);
    await page.locator('input[name=frequencyKind][value=hours]').check();
    expect(await visible(page)).toEqual({
      hours: true,
      daily: false,
      weekly: false,
      cron: false,
      tiers: true,
    });
    const estimate = page.locator('[data-live-estimate]');
    const before = await estimate.innerText();
    expect(before).toMatch(
      /^Keeps about \d+ automatic snapshots, about [\d.]+ GB, about €[\d.]+ a month at today’s sizes\.$/,
    );
    await page.getByLabel('Delete after (days)').fill('30');
    await page.waitForFunction(
      (old) => document.querySelector('[data-live-estimate]')?.textContent !== old,
      before,
    );
    expect(await estimate.innerText()).toMatch(/^Keeps about \d+ automatic snapshots/);
    await page.locator('[data-live-timeline] svg.timeline-wide[role="img"]').waitFor();
    expect(await page.locator('[data-live-timeline] .tl-sentence').textContent()).toContain(
      'Retention keeps automatic snapshots for 30 days',
    );
    // An invalid value: the endpoint answers 400 with the field's message (Chromium logs the 400).
    await page.getByLabel('Delete after (days)').fill('0');
    await page.getByText('The preview waits for valid values').waitFor();
    const refused = problems.findIndex((p) => p.includes('status of 400'));
    expect(refused).toBeGreaterThanOrEqual(0);
    problems.splice(refused, 1);
    await page.getByLabel('Delete after (days)').fill('14');
    await page
      .locator('[data-live-timeline] .tl-sentence', {
        hasText: 'Retention keeps automatic snapshots for 14 days',
      })
      .waitFor({ state: 'attached' });
    expect(problems).toEqual([]);
    // As typed: the form with the live preview's estimate and timeline of the unsaved 14 days.
    await shoot('04-settings-desktop', 'settings-desktop', 'fieldset.frequency');
    await page.setViewportSize(PHONE);
    await shoot('05-settings-phone', 'settings-phone', 'fieldset.frequency');
    await page.setViewportSize(DESKTOP);
  });

  it('draws the last cycles as a strip on the history page, each bar a link to its cycle', async () => {
    // Finished runs written as they would be found, not run: the store only offers a live run's transitions.
    const runs = panel.rt.dataSource.getRepository(CycleRun);
    const now = fake.now().getTime();
    // 27 earlier nightly cycles (three failed, one interrupted), then three real ones below.
    for (let n = 27; n >= 1; n--) {
      const startedAt = new Date(now - n * DAY_MS);
      const status = n % 9 === 4 ? 'failed' : n === 15 ? 'interrupted' : 'succeeded';
      const durationMs = status === 'failed' ? 20_000 : (70 + ((n * 37) % 60)) * 1000;
      await runs.save(
        Object.assign(new CycleRun(), {
          trigger: 'schedule',
          status,
          phase: 'done',
          startedAt,
          finishedAt: new Date(startedAt.getTime() + durationMs),
          serverId: server.id,
          imageId: null,
          actionId: null,
          deleted: '[]',
          pruneNote: null,
          errorCode: status === 'failed' ? 'image_create_failed' : null,
          errorMessage: status === 'failed' ? 'the disk could not be read' : null,
          requestCount: 4 + (n % 3),
          hooksJson: null,
          snapshotMs: null,
        }),
      );
    }
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);
    fake.failActionsNext(1, { code: 'image_create_failed', message: 'the disk could not be read' });
    expect((await cycles.runCycle({ trigger: 'schedule' })).status).toBe('failed');
    expect((await cycles.runCycle({ trigger: 'schedule' })).status).toBe('succeeded');
    expect((await cycles.runCycle({ trigger: 'schedule' })).status).toBe('succeeded');

    await page.goto(`${base}/history`);
    const bars = page.locator('.strip a.bar');
    expect(await bars.count()).toBe(30);
    expect(await page.locator('.strip a.bar-failed').count()).toBe(4);
    expect(await page.locator('.strip a.bar-interrupted').count()).toBe(1);
    expect(await page.locator('[data-strip="rate"]').innerText()).toMatch(/^\d+(\.\d)?%$/);
    expect(await page.locator('[data-strip="duration"]').innerText()).toMatch(/min|s$/);
    expect(await page.locator('[data-strip="requests"]').innerText()).toMatch(/^\d/);
    // The newest bar is on the right and links to its row on page 1; the oldest to page 2.
    const last = bars.last();
    expect(await last.innerText()).toMatch(/^Cycle #\d+, .*: succeeded, /);
    const href = (await last.getAttribute('href'))!;
    expect(href).toMatch(/^\/history#run-\d+$/);
    expect(await bars.first().getAttribute('href')).toMatch(/^\/history\?page=2#run-\d+$/);
    await last.click();
    await page.waitForURL(`**${href}`);
    expect(await page.locator(href.slice(href.indexOf('#'))).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.goto(`${base}/history`);
    await shoot('06-history-desktop', 'history-desktop');
    await page.setViewportSize(PHONE);
    await shoot('07-history-phone', 'history-phone', '[data-history-strip]');
    await page.setViewportSize(DESKTOP);
  });

  it('has no serious or critical axe-core violation on any page at 1280 px or 390 px', async () => {
    const failures: string[] = [];
    const judge = async (p: Page, label: string) => {
      for (const v of await axe(p, label))
        if (v.impact === 'serious' || v.impact === 'critical')
          failures.push(
            `${label}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
          );
    };
    const own = fake
      .images()
      .find((i) => i.createdFrom?.id === server.id && i.labels['snapshot-panel/kind'] === 'manual')!;
    const signedOut = await browser.newPage();
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const pagePath of [
        '/snapshots',
        '/snapshots?kind=manual',
        `/snapshots/${own.id}/delete`,
        `/snapshots/${own.id}/restore`,
        '/settings',
        '/history',
        '/account',
        '/no-such-page',
      ]) {
        await page.goto(base + pagePath);
        if (pagePath === '/account')
          await shoot(
            `08-account-${viewport.width}`,
            viewport === PHONE ? 'account-phone' : 'account-desktop',
          );
        await judge(page, `${pagePath} at ${viewport.width} px`);
      }
      // A row's menu open, too: its buttons are what a keyboard user reaches.
      await page.goto(`${base}/snapshots`);
      await page.locator('tbody tr summary').first().click();
      await judge(page, `/snapshots with a menu open at ${viewport.width} px`);
      // And the page a signed-out person meets.
      await signedOut.setViewportSize(viewport);
      await signedOut.goto(`${base}/login`);
      await judge(signedOut, `/login at ${viewport.width} px`);
    }
    await signedOut.close();
    // The 404 page is one on purpose: Chromium logs its status.
    problems.splice(0, problems.length, ...problems.filter((p) => !p.includes('status of 404')));
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
