// Sessions end after an idle time and at an absolute cap (both configurable), and admins are visible: the
// Account page and `admin list` show every admin, `admin remove` ends their sessions but never removes the
// last one, and a sign-in from a new address lands in the host's audit trail.
import type TestAgent from 'supertest/lib/agent';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { AuthService } from '../src/host/auth/auth.service';
import { runPanelCli } from './support/cli-runner';
import { ADMIN, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';
import { ManualClock } from './support/snapshots-fixture';

jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function signIn(panel: PanelHarness, who = ADMIN): Promise<{ agent: TestAgent; cookie: string }> {
  const agent = panel.anonymous();
  const csrf = await csrfFrom(agent, '/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ ...who, _csrf: csrf });
  expect(res.status).toBe(303);
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('sp_session='))!;
  return { agent, cookie };
}

describe('sessions: idle timeout and absolute cap (e2e)', () => {
  let panel: PanelHarness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    panel = await startPanel({ clock, env: { SESSION_IDLE_MINUTES: '60', SESSION_MAX_HOURS: '24' } });
    await panel.get<AuthService>(AuthService).createAdmin(ADMIN.username, ADMIN.password);
  });
  afterEach(async () => {
    await panel.close();
  });

  it('stays signed in while active past 12 hours, ends after an hour idle, and at 24 hours however active', async () => {
    const start = clock.now().getTime();
    const { agent, cookie } = await signIn(panel);
    // The browser keeps the cookie until the cap; the server enforces the idle time.
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)![1]);
    expect(Math.abs(expires - (start + 24 * HOUR))).toBeLessThan(2000);
    for (let t = 0; t < 13 * HOUR; t += 50 * MINUTE) {
      clock.advance(50 * MINUTE);
      expect((await agent.get('/account')).status).toBe(200);
    }
    clock.advance(61 * MINUTE);
    expect((await agent.get('/account')).headers.location).toBe('/login?next=%2Faccount');

    const second = await signIn(panel);
    for (let t = 0; t < 23 * HOUR; t += 50 * MINUTE) {
      clock.advance(50 * MINUTE);
      expect((await second.agent.get('/account')).status).toBe(200);
    }
    clock.advance(55 * MINUTE);
    expect((await second.agent.get('/account')).status).toBe(303);
  });

  it('validates SESSION_IDLE_MINUTES and SESSION_MAX_HOURS', () => {
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: 'soon' })).toThrow(
      /SESSION_IDLE_MINUTES="soon": must be a whole number of minutes from 5 to 10080 \(a week\)$/m,
    );
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ SESSION_MAX_HOURS: '0' })).toThrow(/SESSION_MAX_HOURS/);
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '600', SESSION_MAX_HOURS: '8' })).toThrow(
      /must not be longer than SESSION_MAX_HOURS/,
    );
    expect(loadConfig({})).toMatchObject({ sessionIdleMs: 60 * MINUTE, sessionMaxMs: 24 * HOUR });
  });
});

describe('admins are visible (e2e)', () => {
  let panel: PanelHarness;
  beforeEach(async () => {
    panel = await startPanel();
    const auth = panel.get<AuthService>(AuthService);
    await auth.createAdmin(ADMIN.username, ADMIN.password);
    await auth.createAdmin('backup', 'the backup admin password');
  });
  afterEach(async () => {
    await panel.close();
  });

  it('lists admins on the Account page and in the CLI, audits new addresses, removes an admin but not the last', async () => {
    const { agent } = await signIn(panel);
    const backup = await signIn(panel, { username: 'backup', password: 'the backup admin password' });
    const page = await agent.get('/account');
    expect(page.text).toMatch(/<td data-label="Username">admin <span class="muted">\(you\)<\/span><\/td>/);
    expect(page.text).toContain('<td data-label="Username">backup</td>');
    expect(page.text).toMatch(/signed in from \S+/);
    const entries = await panel.rt.dataSource.query(
      `SELECT "actor", "action" FROM "host_audit_entries" ORDER BY "id"`,
    );
    expect(entries).toEqual([
      { actor: 'admin:admin', action: 'sign-in.new-address' },
      { actor: 'admin:backup', action: 'sign-in.new-address' },
    ]);

    const list = await runPanelCli(panel, ['admin', 'list', '--json']);
    expect(list.status).toBe(0);
    const parsed = JSON.parse(list.out) as {
      admins: { username: string; lastSignInAt: string | null; twoFactor: boolean }[];
    };
    expect(parsed.admins.map((a) => [a.username, a.twoFactor, a.lastSignInAt !== null])).toEqual([
      ['admin', false, true],
      ['backup', false, true],
    ]);
    expect((await runPanelCli(panel, ['admin', 'list'])).out).toMatch(
      /^backup\s+\d{1,2} \w{3} \d{4}, \d\d:\d\d \S+\s+off$/m,
    );

    const removed = await runPanelCli(panel, ['admin', 'remove', '--username', 'backup']);
    expect(removed).toMatchObject({ status: 0, out: expect.stringContaining('Admin "backup" removed') });
    expect((await backup.agent.get('/account')).status).toBe(303);
    expect(
      await panel.rt.dataSource.query(`SELECT count(*) AS n FROM "sessions" WHERE "admin_id" = 2`),
    ).toEqual([{ n: 0 }]);

    const last = await runPanelCli(panel, ['admin', 'remove', '--username', ADMIN.username]);
    expect(last).toMatchObject({ status: 1, err: expect.stringContaining('is the only admin') });
    expect((await agent.get('/account')).status).toBe(200);
  });
});
