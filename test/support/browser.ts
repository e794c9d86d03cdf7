// Drives Debian's Chromium through playwright-core (no browser download). Screenshots of every step go to
// a folder the tests print, so a person can look at what the panel showed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'screenshots');

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/**
 * `describe` for a browser journey. Without Chromium the journey is skipped locally (the run's summary says
 * so, see test/jest/missing-tools.reporter.js) and fails under CI=true, so CI can never pass without it.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (chromiumAvailable()) return describe(name, body);
  if (process.env.CI === 'true')
    return describe(name, () => {
      it('needs Chromium, which CI must have installed', () => {
        throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium)`);
      });
    });
  return describe.skip(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot named after the step; returns its path. */
export async function screenshot(page: Page, suite: string, step: string): Promise<string> {
  const dir = path.join(SCREENSHOT_DIR, suite);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Console errors and uncaught errors of `page` go to `problems` (a journey ends expecting none), except the
 * console errors `expected` excuses (statuses a journey provokes on purpose, which Chromium logs as errors).
 */
export function collectProblems(
  page: Page,
  problems: string[],
  expected: (text: string) => boolean = () => false,
): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected(message.text()))
      problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught error on ${page.url()}: ${error.message}`));
}
