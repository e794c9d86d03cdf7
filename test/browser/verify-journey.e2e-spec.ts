// In a real browser, against the fake Hetzner API: verifying a snapshot and the restore checks. The snapshots
// page warns about an attached volume and says nothing is verified yet; "Verify…" states the cost before a
// POST starts the drill; the drill page follows it to "Passed" and the page shows "last verified"; the restore
// page lists its checks, refuses a too-big snapshot, and shows rebuild protection with how to lift it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { FakeHcloud, FakeImageRecord, FakeServerRecord } from '../../src/fake-hcloud';
import { AuthService } from '../../src/host/auth/auth.service';
import {
  collectProblems,
  describeBrowser,
  launchBrowser,
  screenshot,
  SCREENSHOT_DIR,
} from '../support/browser';
import { ADMIN, PanelHarness, startPanel } from '../support/panel-harness';

const SUITE = 'verify-journey';
const TOKEN = 'verifyJourneyTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const AUTO = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };

describeBrowser('verify and restore checks in Chromium', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;
  let good: FakeImageRecord;
  let big: FakeImageRecord;
  let panel: PanelHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  const problems: string[] = [];
  let stepNo = 0;

  beforeAll(async () => {
    fs.rmSync(path.join(SCREENSHOT_DIR, SUITE), { recursive: true, force: true });
    // The fake's clock runs in real time: a drill server "boots" in 2 s.
    fake = await FakeHcloud.start({ actionDurationMs: 2000 });
    fake.addToken(TOKEN);
    server = fake.addServer({ name: 'web-1', locationName: 'fsn1' });
    fake.setMetadata({ serverId: server.id });
    fake.addVolume({ serverId: server.id, name: 'data', sizeGb: 50 });
    good = fake.addImage({ serverId: server.id, labels: AUTO, description: 'nightly', imageSize: 4.2 });
    big = fake.addImage({
      serverId: server.id,
      labels: AUTO,
      description: 'from when it was a cx32',
      diskSize: 80,
    });
    panel = await startPanel({
      env: {
        HCLOUD_ENDPOINT: fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
        HCLOUD_TOKEN: TOKEN,
      },
      role: 'cli',
    });
    await panel.app.get(AuthService).createAdmin(ADMIN.username, ADMIN.password);
    await panel.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(panel.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    collectProblems(page, problems, (text) => /status of 409/.test(text));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await panel?.close();
    await fake?.close();
  });

  async function step(name: string, work: () => Promise<void>): Promise<void> {
    const label = `${String(++stepNo).padStart(2, '0')}-${name}`;
    try {
      await work();
      expect(problems).toEqual([]);
    } catch (err) {
      await screenshot(page, SUITE, `${label}-FAILED`).catch(() => undefined);
      if (err instanceof Error) err.message = `step ${label}: ${err.message}`;
      throw err;
    }
    await screenshot(page, SUITE, label);
  }
  const text = (t: string | RegExp, timeout = 10_000) => page.getByText(t).first().waitFor({ timeout });

  it('verifies a snapshot and shows the restore checks', async () => {
    await step('snapshots-volume-warning', async () => {
      await page.goto(`${base}/login`);
      await page.getByLabel('Username').fill(ADMIN.username);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/snapshots');
      await page.reload(); // the first view fetched the server's details; this one names the volume
      await text('data: 50 GB, not in any snapshot');
      await text('No snapshot verified yet');
    });

    await step('verify-confirm-with-cost', async () => {
      // The row's actions sit behind its menu.
      await page.locator(`#snapshot-${good.id} summary`).click();
      await page.getByRole('link', { name: `Verify snapshot ${good.id} with a restore drill` }).click();
      await page.waitForURL(`**/snapshots/${good.id}/verify`);
      await text('A cx22 in fsn1, without a public IPv4 for about 4 minutes: 0.0062 EUR');
    });

    await step('drill-passed', async () => {
      await page.getByRole('button', { name: /Start the drill/ }).click();
      await page.waitForURL('**/drills/1');
      // The page reloads itself every 3 s while the drill runs.
      await text('Passed: the snapshot booted', 30_000);
      expect(fake.servers().map((s) => s.name)).toEqual(['web-1']);
    });

    await step('snapshots-last-verified', async () => {
      await page.goto(`${base}/snapshots`);
      await text(/Last verified: snapshot \d+ booted/);
      await page.locator(`#snapshot-${good.id} [data-verified="passed"]`).waitFor();
    });

    await step('restore-checks-refused', async () => {
      await page.goto(`${base}/snapshots/${big.id}/restore`);
      await text('Checks before anything changes');
      await text(`Snapshot ${big.id} needs a disk of 80 GB, but a cx22 has 40 GB`);
      expect(await page.locator('input[name="confirmServerName"]').count()).toBe(0);
    });

    await step('restore-checks-protected', async () => {
      server.protection = { delete: true, rebuild: true };
      await page.goto(`${base}/snapshots/${good.id}/restore`);
      await text('hcloud server disable-protection NAME delete rebuild');
      server.protection = { delete: false, rebuild: false };
    });

    await step('restore-checks-all-ok', async () => {
      await page.goto(`${base}/snapshots/${good.id}/restore`);
      await text("Its disk (40 GB) fits the server type's disk (40 GB).");
      await text(/A rebuild of this size likely takes about \d+ minute/);
      await page.locator('input[name="confirmServerName"]').waitFor();
    });
  }, 120_000);
});
