// The plugin's pages are its own: views and partials in views/hetzner-snapshots, rendered by absolute path
// with hbs, and the few helpers they use, registered under the `hs-` prefix so they meet nothing of the
// host's. The host supplies only the layout the pages render in (options.layout, from its views folder).
import { Injectable, OnModuleInit } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../project-root';

// hbs ships no types; its surface here is small.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hbs = require('hbs') as {
  registerPartial(name: string, src: string): void;
  registerHelper(name: string, fn: (...args: unknown[]) => unknown): void;
  handlebars: { compile(src: string): (context: unknown) => string };
};

export const HETZNER_SNAPSHOTS_VIEWS_DIR = path.join(PROJECT_ROOT, 'views', 'hetzner-snapshots');

/** A plugin view for res.render: an absolute file, so the host's views folder need not contain it. */
export function pluginView(name: string): string {
  return path.join(HETZNER_SNAPSHOTS_VIEWS_DIR, `${name}.hbs`);
}

/** The key under res.locals the plugin's partials read (`{{> hs-csrf}}` reads its csrfToken). */
export const PLUGIN_LOCALS = 'hetznerSnapshots';
export interface PluginLocals {
  csrfToken: string;
}

let registered = false;
/** Registers the `hs-` partials and helpers on hbs, once per process (tests build many apps). */
export function registerPluginViews(): void {
  if (registered) return;
  const partials = path.join(HETZNER_SNAPSHOTS_VIEWS_DIR, 'partials');
  for (const file of fs.readdirSync(partials)) {
    if (file.endsWith('.hbs'))
      hbs.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(partials, file), 'utf8'));
  }
  const args = (a: unknown[]) => a.slice(0, -1); // the last argument is Handlebars' options object
  hbs.registerHelper('hs-eq', (...a) => {
    const [x, y] = args(a);
    return x === y;
  });
  hbs.registerHelper('hs-not', (...a) => !args(a)[0]);
  hbs.registerHelper('hs-or', (...a) => args(a).some(Boolean));
  hbs.registerHelper('hs-and', (...a) => args(a).every(Boolean));
  hbs.registerHelper('hs-fieldError', (...a) => {
    const [errors, field] = args(a) as [Record<string, string> | undefined, string];
    return errors?.[field] ?? '';
  });
  hbs.registerHelper('hs-formValue', (...a) => {
    const [values, field] = args(a) as [Record<string, unknown> | undefined, string];
    const v = values?.[field];
    return v === undefined || v === null ? '' : String(v);
  });
  // The timeline partial places labels a few units off the numbers its model computed.
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  hbs.registerHelper('hs-plus', (...a) => {
    const [x, y] = args(a);
    return Math.round((num(x) + num(y)) * 10) / 10;
  });
  hbs.registerHelper('hs-minus', (...a) => {
    const [x, y] = args(a);
    return Math.round((num(x) - num(y)) * 10) / 10;
  });
  registered = true;
}

/** Compiled once per partial name: compiling is most of the cost of a small render. */
const partialRenderers = new Map<string, (context: unknown) => string>();

/** Renders one of the plugin's partials to a string (the JSON preview sends the timeline it would draw). */
export function renderPluginPartial(name: string, context: unknown): string {
  registerPluginViews();
  let render = partialRenderers.get(name);
  if (!render) {
    render = hbs.handlebars.compile(`{{> ${name}}}`);
    partialRenderers.set(name, render);
  }
  return render(context);
}

@Injectable()
export class HetznerSnapshotsViews implements OnModuleInit {
  onModuleInit(): void {
    registerPluginViews();
  }
}
