// Ends a local run with one line per kind of test that could not run because a tool is missing, and how to
// install it. (Under CI=true those tests fail instead: see test/support/browser.ts.)
const fs = require('node:fs');

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

class MissingToolsReporter {
  onRunComplete() {
    if (process.env.CI === 'true') return;
    if (!fs.existsSync(CHROMIUM_PATH))
      process.stdout.write(
        `\nThe browser journeys (test/browser) did not run: ${CHROMIUM_PATH} is missing. ` +
          "Install Debian's Chromium with: apt-get install chromium\n",
      );
  }
}

module.exports = MissingToolsReporter;
