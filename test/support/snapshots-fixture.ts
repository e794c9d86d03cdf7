// Shared set-up of the snapshots e2e tests: a fake Hetzner with this server (and another one), the panel
// pointed at it with a clock the test moves by hand, and helpers to read rows and count requests.
import type TestAgent from 'supertest/lib/agent';
import type { Clock } from '../../src/clock/clock';
import { FakeHcloud, FakeServerRecord } from '../../src/fake-hcloud';
import { PanelSettings } from '../../src/hetzner-snapshots/settings/panel-settings.entity';
import { encryptToken } from '../../src/hetzner-snapshots/connection/token.vault';
import { PanelHarness, startPanel } from './panel-harness';

export const TOKEN = 'snapTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAZ';
export const PANEL_LABELS = { 'managed-by': 'snapshot-panel' };

/**
 * The panel's time, moved only by the test (and by backoff waits, which pass at once but count), so the
 * 30-second cache rule and the 5-second progress polls are tested without waiting.
 */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date = new Date()) {
    this.ms = start.getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.ms += ms;
    return new Promise((resolve) => setImmediate(resolve));
  }
}

export interface SnapshotsWorld {
  fake: FakeHcloud;
  panel: PanelHarness;
  clock: ManualClock;
  server: FakeServerRecord;
  otherServer: FakeServerRecord;
  agent: TestAgent;
  close(): Promise<void>;
}

export async function startSnapshotsWorld(
  opts: {
    token?: 'settings' | 'env' | 'none';
    actionDurationMs?: number;
    serverPrice?: string;
    env?: Record<string, string>;
    /** 'cli' runs no timers: no scheduled or catch-up cycle can start during the test. */
    role?: 'server' | 'cli';
  } = {},
): Promise<SnapshotsWorld> {
  const fake = await FakeHcloud.start({ actionDurationMs: opts.actionDurationMs ?? 60_000 });
  fake.addToken(TOKEN);
  const server = fake.addServer({
    name: 'web-1',
    locationName: 'fsn1',
    priceMonthlyGross: opts.serverPrice ?? '10.00',
  });
  const otherServer = fake.addServer({ name: 'db-1', locationName: 'fsn1' });
  fake.setMetadata({ serverId: server.id });
  const clock = new ManualClock(fake.now());
  const token = opts.token ?? 'settings';
  const panel = await startPanel({
    clock,
    role: opts.role,
    env: {
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      TZ: 'Europe/Berlin',
      ...(token === 'env' ? { HCLOUD_TOKEN: TOKEN } : {}),
      ...opts.env,
    },
  });
  if (token === 'settings') await saveToken(panel, TOKEN);
  const agent = await panel.signedIn();
  return {
    fake,
    panel,
    clock,
    server,
    otherServer,
    agent,
    async close() {
      await panel.close();
      await fake.close();
    },
  };
}

/** Stores a token the way Settings does (encrypted with the panel's key), without its page. */
export async function saveToken(panel: PanelHarness, token: string): Promise<void> {
  await panel.rt.dataSource.getRepository(PanelSettings).update(
    { id: 1 },
    {
      tokenEncrypted: encryptToken(token, panel.rt.keys.tokenEncryption),
      tokenLast4: token.slice(-4),
      tokenSavedAt: new Date(),
      tokenCheckResult: 'read_write',
    },
  );
}

/** GETs of the image list that reached the fake (one per API page). */
export function imageListings(fake: FakeHcloud): { query: Record<string, string | string[]> }[] {
  return fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/images');
}

export function requestsTo(fake: FakeHcloud, method: string, path: string | RegExp): number {
  return fake.requests.filter(
    (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
  ).length;
}

/** The HTML of one snapshot's table row. */
export function rowHtml(html: string, imageId: number): string {
  const start = html.indexOf(`<tr id="snapshot-${imageId}"`);
  if (start === -1) throw new Error(`no row for snapshot ${imageId}`);
  return html.slice(start, html.indexOf('</tr>', start) + 5);
}

/** What a person reads: tags dropped, entities decoded, whitespace collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export function rowText(html: string, imageId: number): string {
  return visibleText(rowHtml(html, imageId));
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field');
  return match[1];
}

export function requestKeyOf(html: string): string {
  const match = /name="requestKey" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no requestKey field');
  return match[1];
}
