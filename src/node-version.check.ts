// Imported first by the bin entry: the panel needs Node 22.12 or newer (Node 24 LTS is the target).
// Older Node lines are end-of-life (no security fixes), and NestJS 12's dependencies require Node >= 22.
export const MINIMUM_NODE = [22, 12] as const;

export function nodeIsSupported(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
}

if (!nodeIsSupported(process.versions.node)) {
  process.stderr.write(
    `snapshot-panel: Node ${process.versions.node} is too old: it needs Node ${MINIMUM_NODE.join('.')} or newer ` +
      '(Node 24 LTS recommended; see docs/INSTALL.md).\n',
  );
  process.exit(2);
}
