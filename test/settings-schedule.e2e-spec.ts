// Schedule and retention on the settings page and through `snapshot-panel schedule ...`: one validation
// path, a preview that stores nothing, saving announced to the scheduler, every change in the history.
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Readable, Writable } from 'node:stream';
import type TestAgent from 'supertest/lib/agent';
import { runCli } from '../src/cli/cli';
import type { CliIo } from '../src/cli/cli-io';
import { FakeHcloud } from '../src/fake-hcloud';
import { AuditService } from '../src/hetzner-snapshots/audit/audit.service';
import { HetznerSnapshotsReadiness } from '../src/hetzner-snapshots/hetzner-snapshots.readiness';
import {
  SETTINGS_CHANGED_EVENT,
  SettingsChangedEvent,
} from '../src/hetzner-snapshots/settings/settings.events';
import { SettingsService } from '../src/hetzner-snapshots/settings/settings.service';
import { csrfFrom, PanelHarness, startPanel } from './support/panel-harness';
import { scheduleForm } from './support/settings-forms';

const TOKEN = 'scheduleTestTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1234';
const TZ = 'Europe/Berlin';

/** The saved defaults of a new install, as the form posts them. */
const DEFAULT_FORM = scheduleForm();

/** How Handlebars escapes text, to find a message in the page as the browser receives it. */
function html(text: string): string {
  const map: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#x27;',
    '`': '&#x60;',
    '=': '&#x3D;',
  };
  return text.replace(/[&<>"'`=]/g, (c) => map[c]);
}

/** "03:30" for a run, read in the server's zone. */
function localHHMM(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

describe('settings: schedule and retention (e2e)', () => {
  let fake: FakeHcloud;
  let serverId: number;
  let panel: PanelHarness;
  let agent: TestAgent;
  let apiEnv: Record<string, string>;
  const events: SettingsChangedEvent[] = [];

  beforeAll(async () => {
    fake = await FakeHcloud.start();
    serverId = fake.addServer({ name: 'db-1' }).id;
    fake.setMetadata({ serverId });
    fake.addToken(TOKEN);
    apiEnv = { HCLOUD_ENDPOINT: fake.apiEndpoint, HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint };
    panel = await startPanel({ env: apiEnv });
    agent = await panel.signedIn();
    panel
      .get<EventEmitter2>(EventEmitter2)
      .on(SETTINGS_CHANGED_EVENT, (e: SettingsChangedEvent) => events.push(e));
    // The snapshots page's cache of this server's list: two automatic snapshots of 2 GB each.
    const image = (id: number) => ({
      id,
      type: 'snapshot',
      status: 'available',
      image_size: 2,
      created_from: { id: serverId, name: 'db-1' },
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' },
    });
    await panel.rt.dataSource.query(
      `INSERT INTO "snapshot_list_cache" ("server_id", "images_json") VALUES (?, ?)`,
      [serverId, JSON.stringify([image(1), image(2)])],
    );
  });

  afterAll(async () => {
    await panel?.close();
    await fake?.close();
  });

  const cliEnv = () => ({ DATA_DIR: panel.dataDir, TZ, ...apiEnv });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) =>
      new Writable({ write: (chunk, _enc, cb) => (into.push(String(chunk)), cb()) });
    const io: CliIo = { stdin: Readable.from([]), stdout: sink(out), stderr: sink(err), env: cliEnv() };
    const code = await runCli(argv, io);
    return { code, out: out.join(''), err: err.join('') };
  }

  async function postSchedule(fields: Record<string, string>, intent: 'save' | 'preview' = 'save') {
    const csrf = await csrfFrom(agent, '/settings');
    return agent
      .post('/settings/schedule')
      .type('form')
      .send({ _csrf: csrf, intent, ...fields });
  }

  async function stored() {
    const [row]: Record<string, unknown>[] = await panel.rt.dataSource.query(
      'SELECT schedule_enabled, frequency, retention_days, keep_min, retention_tiers, webhook_url, updated_at FROM panel_settings WHERE id = 1',
    );
    const [{ n }]: { n: number }[] = await panel.rt.dataSource.query(
      'SELECT COUNT(*) AS n FROM audit_entries',
    );
    return { row, auditEntries: n };
  }

  it('shows the saved schedule, its next three runs in the server time zone, and the policy in plain words', async () => {
    const page = await agent.get('/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Times are shown in the server's time zone, ${TZ}.`);
    expect(page.text).toContain('every 6 hours');
    const runs = /<ol class="next-runs" id="saved-next-runs">(.*?)<\/ol>/s.exec(page.text)![1];
    expect(runs.match(/<time datetime="/g)).toHaveLength(3);
    expect(runs).toMatch(/CET|CEST/);
    expect(page.text).toContain(
      'Keeps automatic snapshots for 7 days and always at least the newest 3: about 28 snapshots, about 56 GB at today&#x27;s sizes.',
    );
  });

  it('refuses to turn automatic snapshots on before a token is saved (page and CLI)', async () => {
    const before = await stored();
    const res = await postSchedule({ ...DEFAULT_FORM, enabled: 'true' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Automatic snapshots need a Hetzner API token');
    const viaCli = await cli('schedule', 'set', '--enabled', 'true');
    expect(viaCli.code).toBe(1);
    expect(viaCli.err).toContain('--enabled: Automatic snapshots need a Hetzner API token');
    expect(await stored()).toEqual(before);

    const csrf = await csrfFrom(agent, '/settings');
    expect(
      (await agent.post('/settings/token').type('form').send({ _csrf: csrf, token: TOKEN })).status,
    ).toBe(303);
  });

  it('previews the next runs of an unsaved schedule without storing anything', async () => {
    const before = await stored();
    const res = await postSchedule(
      { ...DEFAULT_FORM, frequencyKind: 'daily', dailyAt: '04:15', retentionDays: '14' },
      'preview',
    );
    expect(res.status).toBe(200);
    const preview = /<div class="alert alert-info" role="status" id="preview">(.*?)<\/div>/s.exec(
      res.text,
    )![1];
    expect(preview).toContain('Preview, not saved yet:');
    expect(preview).toContain('daily at 04:15');
    const times = [...preview.matchAll(/<time datetime="([^"]+)">/g)].map((m) => m[1]);
    expect(times).toHaveLength(3);
    for (const t of times) expect(localHHMM(t)).toBe('04:15');
    expect(preview).toContain('Keeps automatic snapshots for 14 days');
    // The form keeps what was typed; the saved schedule is still shown as saved.
    expect(res.text).toContain('<input id="f-dailyAt" name="dailyAt" type="time" value="04:15"');
    expect(res.text).toMatch(/<dd><span class="badge badge-muted">off<\/span> every 6 hours<\/dd>/);
    expect(await stored()).toEqual(before);
  });

  it('draws the unsaved policy’s retention timeline in the preview, and shows the estimate under the form', async () => {
    const res = await postSchedule(
      { ...DEFAULT_FORM, frequencyKind: 'daily', dailyAt: '04:15', retentionDays: '14' },
      'preview',
    );
    const live = /<div class="live-preview"[^>]*>(.*?)<\/form>/s.exec(res.text)![1];
    expect(live).toContain('<svg class="timeline-svg timeline-wide"');
    expect(live).toContain('role="img" aria-labelledby="tl-title-wide tl-desc-wide"');
    expect(live).toContain('Retention keeps automatic snapshots for 14 days');
    expect(live).toContain('Keeps about 14 automatic snapshots, about 28 GB at today’s sizes.');
    // Under the strict CSP: no style attribute anywhere in the drawing.
    expect(live).not.toMatch(/\sstyle=/);
    // A plain view of the page has the estimate of the saved policy and no timeline (the snapshots page draws it).
    const page = await agent.get('/settings');
    expect(page.text).toContain('Keeps about 28 automatic snapshots, about 56 GB at today’s sizes.');
    expect(page.text).not.toContain('timeline-svg');
  });

  it('answers the live preview as JSON: the same computation as the page, behind sign-in, storing nothing', async () => {
    const before = await stored();
    const requests = fake.requests.length;
    const res = await agent.get('/settings/retention-preview').query({
      ...DEFAULT_FORM,
      enabled: 'true',
      frequencyKind: 'weekly',
      weeklyDay: 'sun',
      weeklyAt: '02:00',
      retentionDays: '30',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body).toMatchObject({
      ok: true,
      description: 'weekly on Sunday at 02:00',
      estimate: 'Keeps about 4 automatic snapshots, about 8 GB at today’s sizes.',
      retention: expect.stringContaining('Keeps automatic snapshots for 30 days'),
      timeline: { deleteCount: 0, sentence: expect.stringContaining('Next runs: ') },
    });
    expect(res.body.nextRuns).toHaveLength(3);
    for (const run of res.body.nextRuns) expect(localHHMM(run.iso)).toBe('02:00');
    expect(res.body.timeline.html).toContain('<figure class="timeline" data-timeline>');
    // Escaped for any parser: no raw markup characters in the JSON text.
    expect(res.text).not.toMatch(/[<>]/);
    expect(await stored()).toEqual(before);
    expect(fake.requests.length).toBe(requests);
    // Signed out: the sign-in page, as for every page of the panel.
    const anonymous = await panel.anonymous().get('/settings/retention-preview').query(DEFAULT_FORM);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
  });

  it('saves from the page, tells the scheduler at once, and `schedule show --json` reads back the same', async () => {
    events.length = 0;
    const res = await postSchedule({
      ...DEFAULT_FORM,
      enabled: 'true',
      frequencyKind: 'daily',
      dailyAt: '4:15',
      retentionDays: '14',
      keepMin: '5',
      tiersEnabled: 'true',
      tierHourly: '24',
      tierDaily: '7',
      tierWeekly: '4',
      tierMonthly: '6',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings#schedule');
    expect(events).toEqual([
      {
        fields: ['scheduleEnabled', 'frequency', 'retentionDays', 'keepMin', 'retentionTiers'],
      },
    ]);

    const page = await agent.get('/settings');
    expect(page.text).toContain('Saved. The schedule takes effect at once');
    expect(page.text).toMatch(/<dd><span class="badge badge-ok">on<\/span> daily at 04:15<\/dd>/);
    expect(page.text).toContain(
      'plus the newest of each hour for 24 hours, of each day for 7 days, of each week for 4 weeks and of each month for 6 months',
    );

    const show = await cli('schedule', 'show', '--json');
    expect(show.code).toBe(0);
    const json = JSON.parse(show.out) as Record<string, unknown>;
    expect(json).toMatchObject({
      enabled: true,
      frequency: 'daily@04:15',
      description: 'daily at 04:15',
      cronExpression: '15 4 * * *',
      timeZone: TZ,
      retentionDays: 14,
      keepMin: 5,
      tiers: { hourly: 24, daily: 7, weekly: 4, monthly: 6 },
    });
    expect((json.nextRuns as string[]).map(localHHMM)).toEqual(['04:15', '04:15', '04:15']);

    const text = await cli('schedule', 'show');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Automatic snapshots: on');
    expect(text.out).toContain('daily at 04:15 (--frequency daily@04:15)');
  });

  it('saving the same values again changes nothing and records nothing', async () => {
    const before = await stored();
    events.length = 0;
    const page = await agent.get('/settings');
    // Post exactly what the form shows.
    const value = (name: string) =>
      new RegExp(`name="${name}" type="[a-z]+" value="([^"]*)"`).exec(page.text)?.[1] ?? '';
    const res = await postSchedule({
      ...DEFAULT_FORM,
      enabled: 'true',
      frequencyKind: 'daily',
      dailyAt: value('dailyAt'),
      retentionDays: value('retentionDays'),
      keepMin: value('keepMin'),
      tiersEnabled: 'true',
    });
    expect(res.status).toBe(303);
    expect((await agent.get('/settings')).text).toContain('Nothing changed');
    expect(events).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('a save whose audit entry cannot be written stores nothing and announces nothing (schedule and token)', async () => {
    const before = await stored();
    const tokenColumns = () =>
      panel.rt.dataSource.query('SELECT token_encrypted, token_last4 FROM panel_settings WHERE id = 1');
    const tokenBefore = await tokenColumns();
    events.length = 0;
    const audit = panel.get<AuditService>(AuditService);
    const failing = jest.spyOn(audit, 'record').mockRejectedValue(new Error('disk full'));
    try {
      const settings = panel.get<SettingsService>(SettingsService);
      await expect(
        settings.updateSchedule({ ...DEFAULT_FORM, enabled: 'true', retentionDays: '21' }, 'cli'),
      ).rejects.toThrow('disk full');
      await expect(settings.clearToken('cli')).rejects.toThrow('disk full');
      expect(failing).toHaveBeenCalledTimes(2);
    } finally {
      failing.mockRestore();
    }
    expect(await stored()).toEqual(before);
    expect(await tokenColumns()).toEqual(tokenBefore);
    expect(tokenBefore[0].token_encrypted).toMatch(/^v1:/);
    expect(events).toEqual([]);
  });

  it('`schedule set` changes only the given fields, and the page shows them', async () => {
    const res = await cli(
      'schedule',
      'set',
      '--frequency',
      'weekly@fri@22:05',
      '--retention-days',
      '30',
      '--keep-min',
      '2',
      '--tiers',
      'off',
    );
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toContain('Frequency: daily at 04:15 → weekly on Friday at 22:05');

    const page = await agent.get('/settings');
    expect(page.text).toMatch(/<dd><span class="badge badge-ok">on<\/span> weekly on Friday at 22:05<\/dd>/);
    expect(page.text).toContain('<input type="radio" name="frequencyKind" value="weekly" checked>');
    expect(page.text).toContain('<option value="fri" selected>Friday</option>');
    expect(page.text).toContain('name="weeklyAt" type="time" value="22:05"');
    expect(page.text).toContain('name="retentionDays" type="number" value="30"');
    expect(page.text).toContain('name="keepMin" type="number" value="2"');
    expect(page.text).toContain('<input type="radio" name="tiersEnabled" value="false" checked>');
    expect(page.text).not.toContain('name="webhookUrl"');
    expect(page.text).toMatch(
      /<td data-label="Who">command line<\/td>\s*<td data-label="What">Schedule and retention changed/,
    );

    const cron = await cli('schedule', 'set', '--cron', '0 */4 * * *', '--tiers', 'daily=7,monthly=12');
    expect(cron.code).toBe(0);
    const after = await agent.get('/settings');
    expect(after.text).toContain('custom: 0 */4 * * *');
    expect(after.text).toContain('name="cron" type="text" value="0 */4 * * *"');
    expect(after.text).toContain('name="tierMonthly" type="number" value="12"');
    expect(after.text).toContain('name="tierHourly" type="number" value="0"');
    const json = JSON.parse((await cli('schedule', 'show', '--json')).out) as Record<string, unknown>;
    expect(json).toMatchObject({
      frequency: 'cron:0 */4 * * *',
      tiers: { hourly: 0, daily: 7, weekly: 0, monthly: 12 },
      retentionDays: 30,
      keepMin: 2,
    });
    expect(json).not.toHaveProperty('webhookUrl');
  });

  it('lists the changes in the history with who made them', async () => {
    const page = await agent.get('/settings');
    const history = /<section class="card" id="history"(.*?)<\/section>/s.exec(page.text)![1];
    expect(history).toContain('<td data-label="Who">admin</td>');
    expect(history).toContain('<td data-label="Who">command line</td>');
    expect(history).toContain('Frequency: every 6 hours → daily at 04:15');
    expect(history).toContain('Automatic snapshots: off → on');
    expect(history).toContain(
      'Tiered policy: off → hourly&#x3D;24,daily&#x3D;7,weekly&#x3D;4,monthly&#x3D;6',
    );
    expect(history).toContain('API token saved');
  });

  // Each bad form is refused with its message next to the field, keeps what was typed, and stores nothing.
  const badForms: [string, Record<string, string>, string, string][] = [
    ['empty retention', { retentionDays: '' }, 'retentionDays', 'Enter a whole number from 1 to 365.'],
    ['retention 0 days', { retentionDays: '0' }, 'retentionDays', 'Enter a whole number from 1 to 365.'],
    ['retention 366 days', { retentionDays: '366' }, 'retentionDays', 'Enter a whole number from 1 to 365.'],
    [
      'non-numeric retention',
      { retentionDays: 'seven' },
      'retentionDays',
      'Enter a whole number from 1 to 365.',
    ],
    [
      'huge retention',
      { retentionDays: '99999999999999999999999' },
      'retentionDays',
      'Enter a whole number from 1 to 365.',
    ],
    ['negative keep', { keepMin: '-1' }, 'keepMin', 'Enter a whole number from 1 to 1000.'],
    ['keep 0', { keepMin: '0' }, 'keepMin', 'Enter a whole number from 1 to 1000.'],
    ['fractional keep', { keepMin: '2.5' }, 'keepMin', 'Enter a whole number from 1 to 1000.'],
    ['keep too many', { keepMin: '1001' }, 'keepMin', 'Enter a whole number from 1 to 1000.'],
    [
      'every 5 hours',
      { frequencyKind: 'hours', everyHours: '5' },
      'everyHours',
      'Every 5 hours does not fit the day evenly.',
    ],
    ['time 25:00', { frequencyKind: 'daily', dailyAt: '25:00' }, 'dailyAt', '"25:00" is not a time of day.'],
    [
      'weekly at 12:60',
      { frequencyKind: 'weekly', weeklyAt: '12:60' },
      'weeklyAt',
      '"12:60" is not a time of day.',
    ],
    [
      'bad weekday',
      { frequencyKind: 'weekly', weeklyDay: 'someday' },
      'weeklyDay',
      '"someday" is not a day.',
    ],
    [
      'cron garbage',
      { frequencyKind: 'cron', cron: 'every monday please' },
      'cron',
      'A cron expression has 5 fields',
    ],
    ['cron too frequent', { frequencyKind: 'cron', cron: '* * * * *' }, 'cron', 'runs 60 times an hour'],
    ['cron never runs', { frequencyKind: 'cron', cron: '0 3 31 2 *' }, 'cron', 'never runs'],
    ['empty cron', { frequencyKind: 'cron', cron: '' }, 'cron', 'Enter a cron expression with 5 fields'],
    ['unknown frequency kind', { frequencyKind: 'fortnightly' }, 'frequencyKind', 'Choose how often'],
    ['enabled neither on nor off', { enabled: 'maybe' }, 'enabled', 'Choose on or off'],
    [
      'tier above its cap',
      { tiersEnabled: 'true', tierHourly: '169' },
      'tierHourly',
      'Enter a whole number from 0 to 168.',
    ],
    [
      'tiers all zero',
      { tiersEnabled: 'true', tierHourly: '0', tierDaily: '0', tierWeekly: '0', tierMonthly: '0' },
      'tiersEnabled',
      'Keep at least one tier above 0',
    ],
  ];

  it.each(badForms)('form: refuses %s', async (_case, fields, field, message) => {
    const before = await stored();
    events.length = 0;
    const res = await postSchedule({ ...DEFAULT_FORM, ...fields });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Nothing was saved: correct the fields marked below.');
    const error = new RegExp(`<p class="error" id="e-${field}">([^<]*)</p>`).exec(res.text);
    expect(error?.[1]).toContain(html(message));
    // What was typed comes back (text inputs keep it verbatim).
    for (const [name, value] of Object.entries(fields)) {
      if (['retentionDays', 'keepMin', 'dailyAt', 'weeklyAt', 'cron', 'tierHourly'].includes(name))
        expect(res.text).toContain(`name="${name}" type="`);
      if (['retentionDays', 'keepMin', 'dailyAt', 'weeklyAt', 'cron'].includes(name))
        expect(res.text).toContain(`value="${html(value)}"`);
    }
    expect(await stored()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('form: HTML in a field is refused and shown back as text, never as markup', async () => {
    const before = await stored();
    const script = '<script>alert(1)</script>';
    const res = await postSchedule({
      ...DEFAULT_FORM,
      frequencyKind: 'cron',
      cron: `0 3 * * * ${script}<img src=x onerror=alert(1)>`,
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(script);
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain(html(script));
    expect(/<p class="error" id="e-cron">/.test(res.text)).toBe(true);
    expect(await stored()).toEqual(before);
  });

  it('form: a field the form does not have is refused and named', async () => {
    const before = await stored();
    const res = await postSchedule({ ...DEFAULT_FORM, retentionDays: '9', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('colour: is not a field of this form');
    expect(await stored()).toEqual(before);
  });

  it('refuses a schedule post without the CSRF field', async () => {
    const before = await stored();
    const res = await agent
      .post('/settings/schedule')
      .type('form')
      .send({ ...DEFAULT_FORM, intent: 'save', retentionDays: '9' });
    expect(res.status).toBe(403);
    expect(await stored()).toEqual(before);
  });

  // The same rules through the CLI: exit status 2, the message names the flag, nothing is stored.
  const badFlags: [string, string[], string][] = [
    ['retention 0', ['--retention-days', '0'], '--retention-days: Enter a whole number from 1 to 365.'],
    [
      'retention not a number',
      ['--retention-days', 'week'],
      '--retention-days: Enter a whole number from 1 to 365.',
    ],
    ['huge keep', ['--keep-min', '1e9'], '--keep-min: Enter a whole number from 1 to 1000.'],
    ['every 25 hours', ['--frequency', '25h'], '--frequency: Every 25 hours does not fit the day evenly.'],
    ['daily at 25:00', ['--frequency', 'daily@25:00'], '--frequency: "25:00" is not a time of day.'],
    ['weekly on a bad day', ['--frequency', 'weekly@xyz@03:30'], '--frequency: "xyz" is not a day.'],
    ['unknown frequency', ['--frequency', 'fortnightly'], '--frequency: "fortnightly" is not a frequency.'],
    ['cron garbage', ['--cron', 'garbage'], '--cron: "garbage" has 1 field.'],
    ['cron every minute', ['--cron', '* * * * *'], '--cron: "* * * * *" runs 60 times an hour.'],
    // Valid cron, but too rare to list three runs within cron's 8-year horizon: refused before saving.
    ['cron on leap days only', ['--cron', '0 0 29 2 *'], '--cron: "0 0 29 2 *" pauses for about 4 years'],
    [
      'frequency and cron',
      ['--frequency', '6h', '--cron', '0 * * * *'],
      '--cron: Give either --frequency or --cron, not both.',
    ],
    ['unknown tier', ['--tiers', 'yearly=3'], '--tiers: "yearly=3" is not a tier.'],
    ['tier above cap', ['--tiers', 'hourly=999'], '--tiers: Enter a whole number from 0 to 168.'],
    [
      'the old --webhook-url',
      ['--webhook-url', 'https://example.com/x'],
      '--webhook-url: webhooks are notification channels now',
    ],
    ['enabled maybe', ['--enabled', 'maybe'], '--enabled: Choose on or off (true or false).'],
    ['unknown flag', ['--colour', 'red'], 'Unknown option --colour.'],
    ['flag without value', ['--retention-days'], '--retention-days needs a value.'],
    ['no flags at all', [], 'Give at least one option: --enabled'],
  ];

  it.each(badFlags)('CLI: refuses %s with exit status 2', async (_case, flags, message) => {
    const before = await stored();
    events.length = 0;
    const res = await cli('schedule', 'set', ...flags);
    expect(res.code).toBe(2);
    expect(res.err).toContain(message);
    expect(res.out).toBe('');
    expect(await stored()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('a stored schedule that no longer validates: no page fails, each says it cannot run and how to fix it', async () => {
    const [{ frequency }]: { frequency: string }[] = await panel.rt.dataSource.query(
      'SELECT frequency FROM panel_settings WHERE id = 1',
    );
    // As a database from before the "at least 3 runs in 8 years" rule could hold it.
    await panel.rt.dataSource.query(
      `UPDATE panel_settings SET frequency = 'cron:0 0 29 2 *', schedule_enabled = 1 WHERE id = 1`,
    );
    try {
      const settingsPage = await agent.get('/settings');
      expect(settingsPage.status).toBe(200);
      expect(settingsPage.text).toContain('id="schedule-problem"');
      expect(settingsPage.text).toContain(html('The saved schedule "cron:0 0 29 2 *" cannot run'));
      expect(settingsPage.text).toContain('name="cron" type="text" value="0 0 29 2 *"');
      for (const page of ['/history', '/snapshots']) {
        const res = await agent.get(page);
        expect(res.status).toBe(200);
        // The every-page warning: switched on, but it cannot run.
        expect(res.text).toContain(html('cannot run'));
      }
      // Readiness reads the switch of the unreadable schedule instead of failing on it (it was a 500).
      const facts = await panel.get<HetznerSnapshotsReadiness>(HetznerSnapshotsReadiness).facts();
      expect(facts.scheduleEnabled).toBe(true);
      expect((await agent.get('/readyz')).status).not.toBe(500);
      const status = await cli('status');
      expect(status.out).toContain('paused: The saved schedule "cron:0 0 29 2 *" cannot run');
      const show = await cli('schedule', 'show');
      expect(show.code).toBe(1);
      expect(show.err).toContain('Choose a schedule in Settings');
      // Repairable from the command line too: the flags are laid over the readable rest of the row.
      const repaired = await cli('schedule', 'set', '--cron', '0 0 28 2 *');
      expect(repaired.code).toBe(0);
      expect((await agent.get('/settings')).text).not.toContain('id="schedule-problem"');
    } finally {
      await panel.rt.dataSource.query('UPDATE panel_settings SET frequency = ? WHERE id = 1', [frequency]);
    }
  });
});
