import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package folder (views/, public/, config/ live there), found the same way from src/ and from dist/. */
function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'snapshot-panel'
    )
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the snapshot-panel package folder above ${start}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const PACKAGE_VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
