// Guessing is throttled everywhere a secret is checked (password, setup code, the account page's current
// password), parallel guesses count one each, a stranger cannot lock the owner out from everywhere, and
// the console's reset-password lifts the locks that `doctor` reports.
import { AuthService } from '../src/host/auth/auth.service';
import { SLOW_DOWN_AFTER } from '../src/host/auth/login-throttle.policy';
import { runPanelCli } from './support/cli-runner';
import { ADMIN, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';

jest.setTimeout(60_000);

const ATTACKER = '203.0.113.9';
const OWNER = '198.51.100.7';

const cli = runPanelCli;

describe('throttling of guesses (e2e)', () => {
  let panel: PanelHarness;
  beforeEach(async () => {
    // Behind a proxy on this machine, so each request can come from an address of the test's choosing.
    panel = await startPanel({ env: { TRUST_PROXY: 'true' } });
  });
  afterEach(async () => {
    await panel.close();
  });

  const checkedPasswords = () => panel.logs.filter((l) => l.includes('failed sign-in for')).length;

  it('40 parallel wrong passwords: only the allowed number are checked, the rest are refused as throttled', async () => {
    await panel.get<AuthService>(AuthService).createAdmin(ADMIN.username, ADMIN.password);
    const agent = panel.anonymous();
    const csrf = await csrfFrom(agent, '/login');
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        agent
          .post('/login')
          .set('X-Forwarded-For', ATTACKER)
          .type('form')
          .send({ username: ADMIN.username, password: `wrong password ${i}`, _csrf: csrf }),
      ),
    );
    expect(checkedPasswords()).toBeLessThanOrEqual(SLOW_DOWN_AFTER);
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(40 - SLOW_DOWN_AFTER);
    expect(burst.every((r) => [401, 429].includes(r.status))).toBe(true);
    const rows = await panel.rt.dataSource.query(
      `SELECT "key", "failures" FROM "login_throttle" ORDER BY "key"`,
    );
    // Every checked guess counted: none was lost to a parallel write.
    expect(rows).toEqual([
      { key: `ip:${ATTACKER}`, failures: checkedPasswords() },
      { key: `user:${ADMIN.username}|ip:${ATTACKER}`, failures: checkedPasswords() },
    ]);
    // And the right password is refused too while the lock holds.
    const right = await agent
      .post('/login')
      .set('X-Forwarded-For', ATTACKER)
      .type('form')
      .send({ ...ADMIN, _csrf: csrf });
    expect(right.status).toBe(429);
  });

  it('a stranger locking the name out locks only their own address; reset-password lifts locks, doctor shows them', async () => {
    await panel.get<AuthService>(AuthService).createAdmin(ADMIN.username, ADMIN.password);
    const attacker = panel.anonymous();
    const csrf = await csrfFrom(attacker, '/login');
    for (let i = 0; i < SLOW_DOWN_AFTER + 1; i++)
      await attacker
        .post('/login')
        .set('X-Forwarded-For', ATTACKER)
        .type('form')
        .send({ username: ADMIN.username, password: 'not the password', _csrf: csrf });
    const refused = await attacker
      .post('/login')
      .set('X-Forwarded-For', ATTACKER)
      .type('form')
      .send({ ...ADMIN, _csrf: csrf });
    expect(refused.status).toBe(429);

    const doctor = await cli(panel, ['doctor', '--json']);
    const locks = (
      JSON.parse(doctor.out) as { checks: { name: string; level: string; message: string }[] }
    ).checks.find((c) => c.name === 'sign-in-locks');
    expect(locks).toMatchObject({
      level: 'WARN',
      message: expect.stringContaining(`sign-in as "admin" from ${ATTACKER}`),
    });

    // The owner, elsewhere, is not locked out.
    const owner = panel.anonymous();
    const ownerCsrf = await csrfFrom(owner, '/login');
    const fromHome = await owner
      .post('/login')
      .set('X-Forwarded-For', OWNER)
      .type('form')
      .send({ ...ADMIN, _csrf: ownerCsrf });
    expect(fromHome.status).toBe(303);

    // The console's fix lifts the lock, also on the locked address.
    const reset = await cli(
      panel,
      ['admin', 'reset-password', '--username', ADMIN.username],
      'a new long password\n',
    );
    expect(reset).toMatchObject({ status: 0, out: expect.stringContaining('Sign-in locks lifted') });
    const after = await attacker
      .post('/login')
      .set('X-Forwarded-For', ATTACKER)
      .type('form')
      .send({ username: ADMIN.username, password: 'a new long password', _csrf: csrf });
    expect(after.status).toBe(303);
    const clean = await cli(panel, ['doctor', '--json']);
    expect(clean.out).toContain('no sign-in is locked');
  });

  it('five racing setups with the right code create exactly one admin', async () => {
    const code = await panel.get<AuthService>(AuthService).issueSetupCode();
    const agent = panel.anonymous();
    const csrf = await csrfFrom(agent, '/setup');
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        agent
          .post('/setup')
          .type('form')
          .send({
            _csrf: csrf,
            setupCode: code,
            username: `owner${i}`,
            password: 'a-long-password-1',
            passwordRepeat: 'a-long-password-1',
          }),
      ),
    );
    expect(await panel.rt.dataSource.query(`SELECT count(*) AS n FROM "admins"`)).toEqual([{ n: 1 }]);
    expect(
      answers.filter((r) => r.status === 303 && r.headers.location === '/login').length,
    ).toBeGreaterThanOrEqual(1);
    expect(
      await panel.rt.dataSource.query(`SELECT * FROM "host_state" WHERE "key" = 'setup-code-hash'`),
    ).toEqual([]);
  });

  it('wrong setup codes are throttled, then even the right one waits', async () => {
    const code = await panel.get<AuthService>(AuthService).issueSetupCode();
    const agent = panel.anonymous();
    const csrf = await csrfFrom(agent, '/setup');
    const form = (setupCode: string) => ({
      _csrf: csrf,
      setupCode,
      username: 'owner',
      password: 'a-long-password-1',
      passwordRepeat: 'a-long-password-1',
    });
    const statuses: number[] = [];
    for (let i = 0; i < SLOW_DOWN_AFTER + 1; i++)
      statuses.push((await agent.post('/setup').type('form').send(form('AAAA-BBBB-CCCC'))).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    const right = await agent.post('/setup').type('form').send(form(code));
    expect(right.status).toBe(429);
    expect(right.text).toContain('Too many failed setup attempts');
    expect(await panel.get<AuthService>(AuthService).hasAdmin()).toBe(false);
  });

  it("the account page's current-password check is throttled and logged", async () => {
    const agent = await panel.signedIn();
    const csrf = await csrfFrom(agent, '/account');
    const statuses: number[] = [];
    for (let i = 0; i < SLOW_DOWN_AFTER + 1; i++)
      statuses.push(
        (
          await agent
            .post('/account/password')
            .type('form')
            .send({
              _csrf: csrf,
              currentPassword: `not it ${i}`,
              password: 'another long password',
              passwordRepeat: 'another long password',
            })
        ).status,
      );
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    expect(panel.logs.filter((l) => l.includes('wrong current password')).length).toBe(SLOW_DOWN_AFTER);
    const right = await agent.post('/account/password').type('form').send({
      _csrf: csrf,
      currentPassword: ADMIN.password,
      password: 'another long password',
      passwordRepeat: 'another long password',
    });
    expect(right.status).toBe(429);
    expect(right.text).toContain('Too many failed password checks');
  });
});
