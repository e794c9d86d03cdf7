// In a real browser: first-run setup with the code from the log, sign-in, the layout on a phone, sign-out.
import { Browser, Page } from 'playwright-core';
import { AuthService } from '../../src/host/auth/auth.service';
import { describeBrowser, launchBrowser, screenshot, SCREENSHOT_DIR } from '../support/browser';
import { PanelHarness, startPanel } from '../support/panel-harness';

describeBrowser('first run in Chromium', () => {
  let panel: PanelHarness;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    console.log(`screenshots: ${SCREENSHOT_DIR}/first-run`);
    panel = await startPanel({ env: { HCLOUD_SERVER_ID: '42' } });
    await panel.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(panel.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await panel?.close();
  });

  it('creates the first admin with the setup code, signs in and out', async () => {
    const code = await panel.get<AuthService>(AuthService).issueSetupCode();
    await page.goto(base + '/');
    await page.waitForURL('**/setup');
    await screenshot(page, 'first-run', '01-setup');

    await page.getByLabel('Setup code').fill(code);
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await page.getByLabel('Repeat password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.waitForURL('**/login');
    await expectText(page, 'Admin "owner" created');
    await screenshot(page, 'first-run', '02-login');

    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page, 'Wrong username or password.');

    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await screenshot(page, 'first-run', '03-signed-in');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + '/account');
    await screenshot(page, 'first-run', '04-account-phone');
    // Keyboard access: the skip link is the first thing Tab reaches.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Skip to content');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.goto(base + '/account');
    await page.waitForURL('**/login?next=%2Faccount');
    await screenshot(page, 'first-run', '05-signed-out');
  });
});

async function expectText(page: Page, text: string): Promise<void> {
  await page.getByText(text).first().waitFor({ timeout: 5000 });
}
