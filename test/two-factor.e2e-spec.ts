// Two-factor sign-in: set up on the Account page with a QR code the panel draws, confirmed with a first
// code, recovery codes shown once and stored hashed, the secret encrypted and never shown again; sign-in
// asks for the code in a half-signed-in state bound to the browser; codes are throttled and never reused;
// `admin reset-2fa` is the way back for a locked-out owner.
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { SLOW_DOWN_AFTER } from '../src/host/auth/login-throttle.policy';
import { totpCodeAt } from '../src/host/auth/totp';
import { runPanelCli } from './support/cli-runner';
import { ADMIN, capturedLogLines, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';
import { ManualClock } from './support/snapshots-fixture';

jest.setTimeout(60_000);

const cookieOf = (res: request.Response, name: string) =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]
    .slice(name.length + 1);

describe('two-factor sign-in (e2e)', () => {
  let panel: PanelHarness;
  let clock: ManualClock;
  beforeEach(async () => {
    // Now (the browser's cookie jar keeps real time), 10 s into a 30-second step.
    clock = new ManualClock(new Date(Math.floor(Date.now() / 30_000) * 30_000 + 10_000));
    panel = await startPanel({ clock });
  });
  afterEach(async () => {
    await panel.close();
  });

  /** Password step; returns the agent in the code step, its pending cookie and the answer. */
  async function password(): Promise<{ agent: TestAgent; csrf: string; res: request.Response }> {
    const agent = panel.anonymous();
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ ...ADMIN, _csrf: csrf });
    return { agent, csrf, res };
  }

  it('is set up with a first code, asks for a code at sign-in, never takes a code twice, and can be reset', async () => {
    const owner = await panel.signedIn();
    let csrf = await csrfFrom(owner, '/account');
    expect((await owner.get('/account')).text).toContain('Set up two-factor sign-in');
    expect((await owner.post('/account/2fa/start').type('form').send({ _csrf: csrf })).status).toBe(303);
    const setupPage = await owner.get('/account');
    expect(setupPage.text).toContain('<svg');
    expect(setupPage.headers['content-security-policy']).not.toContain('unsafe-inline');
    const secret = /class="secret-key">([A-Z2-7]+)</.exec(setupPage.text)![1];
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const wrong = await owner.post('/account/2fa/confirm').type('form').send({ _csrf: csrf, code: 'abc' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That code is not right');
    const firstCode = totpCodeAt(secret, clock.now());
    const confirmed = await owner
      .post('/account/2fa/confirm')
      .type('form')
      .send({ _csrf: csrf, code: firstCode });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers['cache-control']).toBe('no-store');
    const recovery = [
      ...confirmed.text.matchAll(/<li><code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})<\/code><\/li>/g),
    ].map((m) => m[1]);
    expect(recovery).toHaveLength(10);

    // The secret is encrypted at rest, never shown again; recovery codes are stored hashed.
    const after = await owner.get('/account');
    expect(after.text).toContain('since');
    expect(after.text).not.toContain(secret);
    expect(after.text).not.toContain('<svg');
    const dump =
      JSON.stringify(await panel.rt.dataSource.query(`SELECT * FROM "admins"`)) +
      JSON.stringify(await panel.rt.dataSource.query(`SELECT * FROM "recovery_codes"`));
    expect(dump).not.toContain(secret);
    for (const code of recovery) expect(dump).not.toContain(code);

    // Password right: a code step, which is no session.
    const second = await password();
    expect(second.res.headers.location).toBe('/login/code?next=%2F');
    const pending = cookieOf(second.res, 'sp_pending')!;
    expect(pending).toBeTruthy();
    expect((await second.agent.get('/account')).status).toBe(303);
    expect((await second.agent.get('/login/code')).status).toBe(200);

    // Bound to the browser: the pending cookie alone, in another browser, is worth nothing.
    const stranger = panel.anonymous();
    const strangerPage = await stranger.get('/login');
    const strangerNonce = cookieOf(strangerPage, 'sp_csrf')!;
    const strangerCsrf = /name="_csrf" value="([^"]+)"/.exec(strangerPage.text)![1];
    const stolen = await request(panel.app.getHttpServer())
      .post('/login/code')
      .set('Cookie', [`sp_pending=${pending}`, `sp_csrf=${strangerNonce}`])
      .type('form')
      .send({ _csrf: strangerCsrf, code: recovery[0] });
    expect(stolen.headers.location).toBe('/login');
    expect(cookieOf(stolen, 'sp_session')).toBeUndefined();

    // The code that confirmed the setup cannot be used again within its window; a recovery code works once.
    const replay = await second.agent
      .post('/login/code')
      .type('form')
      .send({ _csrf: second.csrf, code: firstCode });
    expect(replay.status).toBe(401);
    expect(replay.text).toContain('already used');
    const byRecovery = await second.agent
      .post('/login/code')
      .type('form')
      .send({ _csrf: second.csrf, code: recovery[0].toUpperCase(), next: '/account' });
    expect(byRecovery.status).toBe(303);
    expect(byRecovery.headers.location).toBe('/account');
    expect((await second.agent.get('/account')).status).toBe(200);
    expect(await panel.rt.dataSource.query(`SELECT count(*) AS n FROM "recovery_codes"`)).toEqual([{ n: 9 }]);

    // Codes are throttled like passwords: even the right code waits once too many were wrong.
    const third = await password();
    const statuses: number[] = [];
    for (let i = 0; i < SLOW_DOWN_AFTER + 1; i++)
      statuses.push(
        (await third.agent.post('/login/code').type('form').send({ _csrf: third.csrf, code: recovery[0] }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    clock.advance(30_000);
    const waits = await third.agent
      .post('/login/code')
      .type('form')
      .send({ _csrf: third.csrf, code: totpCodeAt(secret, clock.now()) });
    expect(waits.status).toBe(429);

    // The console's way back in for an owner without app or codes.
    const reset = await runPanelCli(panel, ['admin', 'reset-2fa', '--username', ADMIN.username]);
    expect(reset).toMatchObject({ status: 0, out: expect.stringContaining('is off') });
    expect((await third.agent.get('/login/code')).headers.location).toBe('/login');
    const fourth = await password();
    expect(fourth.res.headers.location).toBe('/');
    const actions = await panel.rt.dataSource.query(
      `SELECT "action" FROM "host_audit_entries" ORDER BY "id"`,
    );
    expect(actions.map((a: { action: string }) => a.action)).toEqual([
      'sign-in.new-address',
      'two-factor.enabled',
      'two-factor.reset',
    ]);
    csrf = await csrfFrom(fourth.agent, '/account');
    expect(csrf).toBeTruthy();

    // Never logged.
    const logs = capturedLogLines.join('\n');
    expect(logs).not.toContain(secret);
    for (const code of recovery) expect(logs).not.toContain(code);
  });

  it('turning it off on the Account page needs the current password', async () => {
    const owner = await panel.signedIn();
    const csrf = await csrfFrom(owner, '/account');
    await owner.post('/account/2fa/start').type('form').send({ _csrf: csrf });
    const secret = /class="secret-key">([A-Z2-7]+)</.exec((await owner.get('/account')).text)![1];
    await owner
      .post('/account/2fa/confirm')
      .type('form')
      .send({ _csrf: csrf, code: totpCodeAt(secret, clock.now()) });
    const wrong = await owner
      .post('/account/2fa/disable')
      .type('form')
      .send({ _csrf: csrf, confirmPassword: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('The current password is not right.');
    const off = await owner
      .post('/account/2fa/disable')
      .type('form')
      .send({ _csrf: csrf, confirmPassword: ADMIN.password });
    expect(off.status).toBe(303);
    expect((await owner.get('/account')).text).toContain('Set up two-factor sign-in');
  });
});
