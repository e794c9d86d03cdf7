// In a real browser, on a phone: two-factor setup with the QR code the panel draws (no CSP violation, no
// request elsewhere), the recovery codes, then a sign-in through the code step, by keyboard.
import { Browser, Page } from 'playwright-core';
import { AuthService } from '../../src/host/auth/auth.service';
import { totpCodeAt } from '../../src/host/auth/totp';
import { chromiumAvailable, launchBrowser, screenshot, SCREENSHOT_DIR } from '../support/browser';
import { ADMIN, PanelHarness, startPanel } from '../support/panel-harness';
import { ManualClock } from '../support/snapshots-fixture';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

describeBrowser('two-factor sign-in in Chromium', () => {
  let panel: PanelHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  const clock = new ManualClock();
  const problems: string[] = [];

  beforeAll(async () => {
    console.log(`screenshots: ${SCREENSHOT_DIR}/two-factor`);
    panel = await startPanel({ clock, env: { HCLOUD_SERVER_ID: '42' } });
    await panel.get<AuthService>(AuthService).createAdmin(ADMIN.username, ADMIN.password);
    await panel.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(panel.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('request', (r) => !r.url().startsWith(base) && problems.push(`request to ${r.url()}`));
  });
  afterAll(async () => {
    await browser?.close();
    await panel?.close();
  });

  async function signInWithPassword(): Promise<void> {
    await page.goto(base + '/login');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('sets up two-factor sign-in and signs in with a code, by keyboard', async () => {
    await signInWithPassword();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto(base + '/account');
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.locator('.qr svg').waitFor();
    await screenshot(page, 'two-factor', '01-setup-qr-phone');
    const secret = (await page.locator('.secret-key').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(totpCodeAt(secret, clock.now()));
    await page.getByRole('button', { name: 'Turn two-factor sign-in on' }).click();
    await page.getByText('this is the only time they are shown').waitFor();
    expect(await page.locator('.recovery-codes li').count()).toBe(10);
    await screenshot(page, 'two-factor', '02-recovery-codes-phone');
    await page.getByRole('link', { name: 'I have saved them' }).click();
    await screenshot(page, 'two-factor', '03-account-on-phone');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');

    clock.advance(30_000);
    await signInWithPassword();
    await page.waitForURL('**/login/code**');
    await screenshot(page, 'two-factor', '04-code-step-phone');
    // The code field is reachable by keyboard and Enter sends it.
    await page.getByLabel('Code').focus();
    await page.keyboard.type(totpCodeAt(secret, clock.now()));
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto(base + '/account');
    await page.getByText('since').first().waitFor();
    expect(problems).toEqual([]);
  });
});
