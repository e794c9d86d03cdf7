// The fault campaign's closing table: printed, and kept under test-output/faults/ for CI artefacts.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ReportRow = [label: string, value: string | number];

export function formatTable(title: string, rows: ReportRow[]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => String(value).length));
  const rule = `+${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  const lines = rows.map(
    ([label, value]) => `| ${label.padEnd(width)} | ${String(value).padStart(valueWidth)} |`,
  );
  return [title, rule, ...lines, rule].join('\n');
}

/** Prints the report and keeps a copy; returns the file's path. */
export function publishReport(fileName: string, text: string): string {
  const dir = path.join(__dirname, '..', '..', '..', 'test-output', 'faults');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, `${text}\n`);
  process.stdout.write(`\n${text}\n(also written to ${path.relative(process.cwd(), file)})\n`);
  return file;
}
