// Handlebars setup: the host's layout, partials from views/partials, and the few generic helpers views
// need. Formatting of domain values happens in presenters, not here.
import { NestExpressApplication } from '@nestjs/platform-express';
import * as fs from 'node:fs';
import * as path from 'node:path';
// hbs ships no types; its surface here is small.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hbs = require('hbs') as {
  registerPartial(name: string, src: string): void;
  registerHelper(name: string, fn: (...args: unknown[]) => unknown): void;
  localsAsTemplateData(app: unknown): void;
};

export const DEFAULT_LAYOUT = 'layouts/main';

export function configureViews(app: NestExpressApplication, projectRoot: string): void {
  const viewsDir = path.join(projectRoot, 'views');
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('hbs');
  app.set('view options', { layout: DEFAULT_LAYOUT });
  // Each page's template is compiled once per process. Express caches views only under
  // NODE_ENV=production, and without it hbs compiled the page and the layout again on every request: 20% of a
  // page view's time and new compiled code each time (CPU profile and heap snapshots of `npm run bench`).
  // Edits to views/ show after a restart.
  app.set('view cache', true);
  registerPartials(path.join(viewsDir, 'partials'));
  registerHelpers();
}

let partialsRegistered = false;
function registerPartials(dir: string): void {
  // Partials are read once per process; e2e tests create many apps.
  if (partialsRegistered) return;
  const walk = (d: string, prefix: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.hbs'))
        hbs.registerPartial(prefix + entry.name.slice(0, -4), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir, '');
  partialsRegistered = true;
}

function registerHelpers(): void {
  const args = (a: unknown[]) => a.slice(0, -1); // the last argument is Handlebars' options object
  hbs.registerHelper('eq', (...a) => {
    const [x, y] = args(a);
    return x === y;
  });
  hbs.registerHelper('not', (...a) => !args(a)[0]);
  hbs.registerHelper('or', (...a) => args(a).some(Boolean));
  hbs.registerHelper('and', (...a) => args(a).every(Boolean));
  hbs.registerHelper('fieldError', (...a) => {
    const [errors, field] = args(a) as [Record<string, string> | undefined, string];
    return errors?.[field] ?? '';
  });
  hbs.registerHelper('formValue', (...a) => {
    const [values, field] = args(a) as [Record<string, unknown> | undefined, string];
    const v = values?.[field];
    return v === undefined || v === null ? '' : String(v);
  });
}
