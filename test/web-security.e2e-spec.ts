// The host's web wiring against a forging site: CSRF tokens bound to the server-side session (a token from an
// anonymous sign-in page, another session or a client-chosen cookie is refused), cross-site requests refused on
// Sec-Fetch-Site and Origin, only urlencoded form bodies read, and nothing behind the sign-in kept by a cache.
import request from 'supertest';
import { ADMIN, PanelHarness, startPanel } from './support/panel-harness';

const REFUSED = 'did not come from this panel';

describe('web security: CSRF, cross-site requests, bodies, caching (e2e)', () => {
  let panel: PanelHarness;
  beforeEach(async () => {
    panel = await startPanel();
  });
  afterEach(async () => {
    await panel.close();
  });

  const http = () => request(panel.app.getHttpServer());
  const cookieOf = (res: request.Response, name: string) =>
    ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(`${name}=`))
      ?.split(';')[0];
  const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  /** An anonymous visit of the sign-in page, as an attacker makes one: its cookie and its token. */
  async function anonymousLoginPage(cookie?: string) {
    const page = await (cookie ? http().get('/login').set('Cookie', cookie) : http().get('/login'));
    return { cookie: cookieOf(page, 'sp_csrf') ?? cookie ?? '', token: tokenOf(page.text) };
  }

  /** Signs in by hand and returns the session cookie and the token its pages carry. */
  async function signIn() {
    await panel.signedIn(); // creates the admin once
    const login = await anonymousLoginPage();
    const res = await http()
      .post('/login')
      .set('Cookie', login.cookie)
      .type('form')
      .send({ ...ADMIN, _csrf: login.token });
    expect(res.status).toBe(303);
    const session = cookieOf(res, 'sp_session')!;
    const page = await http().get('/account').set('Cookie', session);
    expect(page.status).toBe(200);
    return { session, token: tokenOf(page.text), loginToken: login.token, loginCookie: login.cookie };
  }

  /** Whether a session still works, that is: the forged sign-out did not happen. */
  const stillSignedIn = async (session: string) =>
    (await http().get('/account').set('Cookie', session)).status === 200;

  const logout = (cookie: string, token: string) =>
    http().post('/logout').set('Cookie', cookie).type('form').send({ _csrf: token });

  it('refuses, for a signed-in admin, a token fetched anonymously from /login with its cookie planted', async () => {
    const admin = await signIn();
    const attacker = await anonymousLoginPage();
    const res = await logout(`${admin.session}; ${attacker.cookie}`, attacker.token);
    expect(res.status).toBe(403);
    expect(res.text).toContain(REFUSED);
    expect(await stillSignedIn(admin.session)).toBe(true);
  });

  it('refuses a token from another session of the same admin', async () => {
    const first = await signIn();
    const second = await signIn();
    expect(second.token).not.toBe(first.token);
    expect((await logout(first.session, second.token)).status).toBe(403);
    expect(await stillSignedIn(first.session)).toBe(true);
    // The session's own token works.
    expect((await logout(first.session, first.token)).status).toBe(303);
    expect(await stillSignedIn(first.session)).toBe(false);
  });

  it('rotates at sign-in: the sign-in page token is no token of the session, and the pre-session ends', async () => {
    const admin = await signIn();
    expect(admin.token).not.toBe(admin.loginToken);
    expect((await logout(`${admin.session}; ${admin.loginCookie}`, admin.loginToken)).status).toBe(403);
    const page = await http().get('/account').set('Cookie', `${admin.session}; ${admin.loginCookie}`);
    expect(cookieOf(page, 'sp_csrf')).toBe('sp_csrf=');
  });

  it('refuses a pre-session cookie the client chose (not signed by the server)', async () => {
    await panel.signedIn();
    const chosen = `sp_csrf=${'A'.repeat(43)}`;
    const attacker = await anonymousLoginPage(chosen);
    // The panel does not adopt the chosen value: it issues its own.
    expect(attacker.cookie).not.toBe(chosen);
    const forged = await http()
      .post('/login')
      .set('Cookie', chosen)
      .type('form')
      .send({ ...ADMIN, _csrf: attacker.token });
    expect(forged.status).toBe(403);
    expect(cookieOf(forged, 'sp_session')).toBeUndefined();
    // And a signed-in admin's form is not fooled by it either.
    const admin = await signIn();
    expect((await logout(`${admin.session}; ${chosen}`, attacker.token)).status).toBe(403);
  });

  it('refuses, never crashes on, a token, pre-session or flash signature of the right length in non-ASCII letters', async () => {
    await panel.signedIn();
    const login = await anonymousLoginPage();
    // 43 characters like a real token, but twice as many bytes: a length check on characters is not enough.
    const wide = 'é'.repeat(login.token.length);
    const forged = await http()
      .post('/login')
      .set('Cookie', login.cookie)
      .type('form')
      .send({ ...ADMIN, _csrf: wide });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain(REFUSED);
    const [id, signature] = login.cookie.slice('sp_csrf='.length).split('.');
    const page = await http()
      .get('/login')
      .set('Cookie', `sp_csrf=${id}.${encodeURIComponent('é'.repeat(signature.length))}`);
    expect(page.status).toBe(200);
    expect(cookieOf(page, 'sp_csrf')).not.toContain(id);
    // The flash cookie's signature is compared the same way.
    const flashed = await http()
      .get('/login')
      .set('Cookie', `sp_flash=e30.${encodeURIComponent('é'.repeat(43))}`);
    expect(flashed.status).toBe(200);
    expect(panel.logs.filter((l) => l.startsWith('level=error'))).toEqual([]);
  });

  it.each([
    ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'Sec-Fetch-Site': 'same-site' }],
    ['an Origin of another site', { Origin: 'https://evil.example' }],
    ['an Origin of a sibling subdomain', { Origin: 'https://evil.panel.example.com' }],
    ['Origin null', { Origin: 'null' }],
    [
      'a same-origin Sec-Fetch-Site with a foreign Origin',
      { 'Sec-Fetch-Site': 'same-origin', Origin: 'https://evil.example' },
    ],
  ])('refuses a state-changing request with %s, even with the right token', async (_name, headers) => {
    // A browser-like agent: it keeps every cookie the panel set, and sends its page's own token.
    const agent = await panel.signedIn();
    const token = tokenOf((await agent.get('/account')).text);
    const res = await agent
      .post('/logout')
      .set('Host', 'panel.example.com')
      .set(headers)
      .type('form')
      .send({ _csrf: token });
    expect(res.status).toBe(403);
    expect(res.text).toContain(REFUSED);
    expect((await agent.get('/account')).status).toBe(200);
    expect(panel.logs.join('\n')).toContain('refused POST /logout: cross-site request');
  });

  it('accepts a same-origin browser request (Sec-Fetch-Site same-origin, Origin of the host)', async () => {
    // Under "no-referrer" a browser would send "Origin: null" from our own forms: the policy keeps the Origin.
    expect((await http().get('/login')).headers['referrer-policy']).toBe('same-origin');
    const agent = await panel.signedIn();
    const token = tokenOf((await agent.get('/account')).text);
    const res = await agent
      .post('/logout')
      .set('Host', 'panel.example.com')
      .set({ 'Sec-Fetch-Site': 'same-origin', Origin: 'https://panel.example.com' })
      .type('form')
      .send({ _csrf: token });
    expect(res.status).toBe(303);
  });

  it('refuses a deeply nested JSON body to /login with 415, before parsing it, and logs no error', async () => {
    await panel.signedIn();
    const agent = panel.anonymous();
    const token = tokenOf((await agent.get('/login')).text);
    // Valid JSON under the size limit, 25 000 levels deep: it once overflowed the stack in form validation.
    const deep = `{"_csrf":"${token}","username":"admin","password":${'['.repeat(25_000)}${']'.repeat(25_000)}}`;
    const res = await agent.post('/login').set('Content-Type', 'application/json').send(deep);
    expect(res.status).toBe(415);
    expect(res.text).toContain('This panel only accepts its own web forms');
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const type of [
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
    ])
      expect((await agent.post('/login').set('Content-Type', type).send(`_csrf=${token}`)).status).toBe(415);
    expect(panel.logs.filter((l) => l.startsWith('level=error'))).toEqual([]);
  });

  it('sends Cache-Control: no-store on every signed-in page, the sign-in and setup pages and error pages; assets stay cacheable', async () => {
    const fresh = await startPanel();
    try {
      const setup = await request(fresh.app.getHttpServer()).get('/setup');
      expect(setup.status).toBe(200);
      expect(setup.headers['cache-control']).toBe('no-store');
    } finally {
      await fresh.close();
    }
    const agent = await panel.signedIn();
    for (const path of ['/snapshots', '/settings', '/history', '/account', '/no-such-page']) {
      const res = await agent.get(path);
      expect({ path, cacheControl: res.headers['cache-control'] }).toEqual({
        path,
        cacheControl: 'no-store',
      });
    }
    const login = await http().get('/login');
    expect(login.headers['cache-control']).toBe('no-store');
    const redirect = await http().get('/snapshots');
    expect(redirect.status).toBe(303);
    expect(redirect.headers['cache-control']).toBe('no-store');
    const css = await http().get('/assets/css/panel.css');
    expect(css.status).toBe(200);
    expect(css.headers['cache-control']).toMatch(/max-age=3600/);
  });
});
