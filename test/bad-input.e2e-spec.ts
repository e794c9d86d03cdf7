// A table of bad inputs over every form and every CLI command: empty, too long, the wrong type, unknown
// fields, odd Unicode, huge bodies, SQL and HTML metacharacters, invalid cron, retention out of range, ids
// that are no ids or belong to another server. Each row must be refused with its message (a 4xx page or a
// flash after the redirect, or CLI exit status 2 or 1 with the sentence on stderr) AND change nothing: the
// admins, settings, audit and run tables and the fake Hetzner's images are the same before and after, and no
// write reached the fake.
import type TestAgent from 'supertest/lib/agent';
import { FakeHcloud, FakeImageRecord, FakeServerRecord } from '../src/fake-hcloud';
import { AuthService } from '../src/host/auth/auth.service';
import { WRITE_PROBE } from '../src/hetzner-snapshots/hcloud/token-check';
import { runPanelCli } from './support/cli-runner';
import { saveToken, visibleText } from './support/snapshots-fixture';
import { ADMIN, capturedLogLines, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';
import { scheduleForm as savedDefaults } from './support/settings-forms';

jest.setTimeout(60_000);

const TOKEN = 'badInputTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAb4dQ';
const RO_TOKEN = 'badInputReadOnlyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBr0nly';
const AUTO = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };
const MANUAL = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' };
const SQL = "'; DROP TABLE admins; --";
const SCRIPT = '<script>alert(1)</script>';
const RTL = '\u202E';
const ZERO_WIDTH = '\u200B';
const NUL = '\u0000';
const HUGE = 'x'.repeat(70 * 1024);

/** What a row got back: an HTTP status or a CLI exit status, and the text a person reads. */
interface Answer {
  status: number;
  text: string;
}

interface Row {
  name: string;
  send: () => Promise<Answer>;
  status: number;
  message: string | RegExp;
}

let fake: FakeHcloud;
let server: FakeServerRecord;
let foreign: FakeImageRecord;
let ownAuto: FakeImageRecord;
let ownManual: FakeImageRecord;
let ownProtected: FakeImageRecord;
let panel: PanelHarness;
let anonymous: TestAgent;
let agent: TestAgent;
let setupCode = '';
const rawResponses: string[] = [];

beforeAll(async () => {
  fake = await FakeHcloud.start({ actionDurationMs: 300 });
  fake.addToken(TOKEN);
  fake.addToken(RO_TOKEN, { mode: 'read_only' });
  server = fake.addServer({ name: 'web-1' });
  const other = fake.addServer({ name: 'db-1' });
  fake.setMetadata({ serverId: server.id });
  ownAuto = fake.addImage({ serverId: server.id, labels: AUTO, description: 'web-1 auto', imageSize: 1.5 });
  ownManual = fake.addImage({ serverId: server.id, labels: MANUAL, description: 'by hand', imageSize: 1.5 });
  ownProtected = fake.addImage({
    serverId: server.id,
    labels: MANUAL,
    description: 'precious',
    protected: true,
    imageSize: 1.5,
  });
  foreign = fake.addImage({ serverId: other.id, labels: AUTO, description: 'db-1 auto', imageSize: 1.5 });
  panel = await startPanel({
    env: { HCLOUD_ENDPOINT: fake.apiEndpoint, HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint },
  });
  anonymous = panel.anonymous();
  setupCode = await panel.get<AuthService>(AuthService).issueSetupCode();
}, 60_000);

afterAll(async () => {
  await panel?.close();
  await fake?.close();
  // Bad input is echoed back only escaped, and no token ever appears, whatever was sent.
  expect(rawResponses.filter((html) => html.includes('<script>alert'))).toEqual([]);
  expect(
    [...rawResponses, ...capturedLogLines].filter((t) => t.includes(TOKEN) || t.includes(RO_TOKEN)),
  ).toEqual([]);
});

// ---- state ----------------------------------------------------------------------------------------------

async function state(): Promise<string> {
  const rows = async (table: string) => panel.rt.dataSource.query(`SELECT * FROM "${table}" ORDER BY rowid`);
  return JSON.stringify({
    admins: await rows('admins'),
    panel_settings: await rows('panel_settings'),
    audit_entries: await rows('audit_entries'),
    cycle_runs: await rows('cycle_runs'),
    notification_channels: await rows('notification_channels'),
    notification_events: await rows('notification_events'),
    notification_deliveries: await rows('notification_deliveries'),
    images: fake.images(),
    // The token check's write probe (an empty PUT of an image that cannot exist: 404 or 401) changes nothing.
    writes: fake.requests
      .filter((r) => r.method !== 'GET' && !(r.method === 'PUT' && r.path === `/v1${WRITE_PROBE.path}`))
      .map((r) => `${r.method} ${r.path}`),
  });
}

// ---- senders --------------------------------------------------------------------------------------------

type Body = Record<string, unknown> | string;

/** POSTs a form (urlencoded, or JSON), with the agent's CSRF token unless told otherwise. */
async function post(
  who: TestAgent,
  path: string,
  body: Body,
  opts: { json?: boolean; csrf?: boolean } = {},
): Promise<Answer> {
  const csrf =
    opts.csrf === false
      ? null
      : await csrfFrom(who, who === anonymous ? '/login' : '/account').catch(() => csrfFrom(who, '/setup'));
  let req = who.post(path);
  if (typeof body === 'string')
    req = req.type('form').send(csrf ? `${body}&_csrf=${encodeURIComponent(csrf)}` : body);
  else if (opts.json)
    req = req
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(csrf ? { ...body, _csrf: csrf } : body));
  else req = req.type('form').send(csrf ? { ...body, _csrf: csrf } : body);
  const res = await req;
  rawResponses.push(res.text ?? '');
  return { status: res.status, text: visibleText(res.text ?? '') };
}

/** A post whose refusal travels as a flash message: the answer is the redirect's status and the next page. */
async function postAndFollow(path: string, body: Body = {}): Promise<Answer> {
  const first = await post(agent, path, body);
  if (first.status !== 303) return first;
  const page = await agent.get('/snapshots');
  rawResponses.push(page.text);
  return { status: first.status, text: visibleText(page.text) };
}

/** A post answered with a redirect whose message is on the next page. */
async function postThenGet(who: TestAgent, path: string, body: Body, next: string): Promise<Answer> {
  const csrf = await csrfFrom(who, '/login');
  const first = await who
    .post(path)
    .type('form')
    .send({ ...(body as Record<string, unknown>), _csrf: csrf });
  rawResponses.push(first.text ?? '');
  if (first.status !== 303 || first.headers.location !== next)
    return { status: first.status, text: visibleText(first.text ?? '') };
  const page = await who.get(next);
  rawResponses.push(page.text);
  return { status: first.status, text: visibleText(page.text) };
}

async function get(path: string): Promise<Answer> {
  const res = await agent.get(path);
  rawResponses.push(res.text);
  return { status: res.status, text: visibleText(res.text) };
}

/** A raw body with a content type of our choosing (malformed JSON, too many fields). */
async function postRaw(path: string, contentType: string, raw: string): Promise<Answer> {
  const res = await anonymous.post(path).set('Content-Type', contentType).send(raw);
  rawResponses.push(res.text);
  return { status: res.status, text: visibleText(res.text) };
}

async function cli(argv: string[], stdin = '', env: Record<string, string> = {}): Promise<Answer> {
  const { status, out, err } = await runPanelCli(panel, argv, stdin, {
    HCLOUD_ENDPOINT: fake.apiEndpoint,
    HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
    ...env,
  });
  rawResponses.push(out, err);
  // Refusals go to stderr; stdout is shown too so a wrong success is easy to read in a failure.
  return { status, text: `${err}${out ? `\n[stdout] ${out}` : ''}` };
}

// ---- forms ----------------------------------------------------------------------------------------------

const setupForm = (patch: Record<string, unknown>) => ({
  setupCode,
  username: 'owner',
  password: 'a long enough password',
  passwordRepeat: 'a long enough password',
  ...patch,
});
const passwordForm = (patch: Record<string, unknown>) => ({
  currentPassword: ADMIN.password,
  password: 'another long password',
  passwordRepeat: 'another long password',
  ...patch,
});
/** Valid, and different from the saved settings (every 6 hours, off): a wrongly accepted row would save it. */
const validChangedSchedule = (patch: Record<string, unknown>) => ({
  intent: 'save',
  ...savedDefaults({ frequencyKind: 'daily', dailyAt: '04:15', retentionDays: '9', keepMin: '4' }),
  ...patch,
});
/** The live retention preview (GET, JSON): the same validation as the form, nothing stored, no request to Hetzner. */
async function preview(patch: Record<string, unknown>): Promise<Answer> {
  const res = await agent
    .get('/settings/retention-preview')
    .query({ ...savedDefaults({ frequencyKind: 'daily' }), ...patch });
  rawResponses.push(res.text);
  return { status: res.status, text: res.text };
}
const restoreForm = (patch: Record<string, unknown>) => ({ confirmServerName: 'web-1', ...patch });
const webhookForm = (patch: Record<string, unknown>) => ({
  name: 'Ops chat',
  format: 'generic',
  url: 'https://hooks.example.com/snapshots',
  enabled: 'on',
  'event:cycle.failed': 'on',
  ...patch,
});
const emailForm = (patch: Record<string, unknown>) => ({
  name: 'Ops e-mail',
  host: 'smtp.example.com',
  port: '587',
  security: 'starttls',
  username: 'mailer',
  passwordSource: 'stored',
  password: 'a stored password',
  from: 'panel@example.com',
  to: 'ops@example.com',
  enabled: 'on',
  'event:cycle.failed': 'on',
  ...patch,
});
const WEBHOOKS = '/settings/notifications/webhook';
const EMAILS = '/settings/notifications/email';

const RANGE_DAYS = 'Enter a whole number from 1 to 365.';
const RANGE_KEEP = 'Enter a whole number from 1 to 1000.';
const NOT_A_FIELD = 'is not a field of this form';
const SINGLE = 'must be a single value';
const USERNAME_RULE = 'Use 1 to 64 letters, digits, dots, dashes or underscores.';
const TOKEN_WORD = 'An API token is one word of letters and digits, without spaces';
const INVISIBLE = 'no line breaks, tabs or invisible characters';
const NO_PAGE = 'There is no page at this address.';
const TOO_LARGE = 'That form was far larger than any form of this panel accepts.';
// Forms are urlencoded only: JSON (nested, typed, or operator objects) is refused before it is parsed.
const NOT_A_FORM = 'This panel only accepts its own web forms';
const DEEP_JSON = `{"username":"admin","password":${'['.repeat(25_000)}${']'.repeat(25_000)}}`;

// Each row on one line: the table reads down (hence prettier-ignore).
// prettier-ignore
const setupRows: Row[] = [
  { name: 'setup: everything empty', send: () => post(anonymous, '/setup', {}), status: 400, message: 'Enter the setup code from the panel log.' },
  { name: 'setup: wrong setup code', send: () => post(anonymous, '/setup', setupForm({ setupCode: 'AAAA-BBBB-CCCC' })), status: 400, message: 'That setup code is not right' },
  { name: 'setup: setup code far too long', send: () => post(anonymous, '/setup', setupForm({ setupCode: 'A'.repeat(65) })), status: 400, message: 'That is not a setup code.' },
  { name: 'setup: username with <script>', send: () => post(anonymous, '/setup', setupForm({ username: SCRIPT })), status: 400, message: USERNAME_RULE },
  { name: 'setup: username with SQL', send: () => post(anonymous, '/setup', setupForm({ username: SQL })), status: 400, message: USERNAME_RULE },
  { name: 'setup: username with an RTL override', send: () => post(anonymous, '/setup', setupForm({ username: `adm${RTL}nimda` })), status: 400, message: USERNAME_RULE },
  { name: 'setup: username with a combining mark', send: () => post(anonymous, '/setup', setupForm({ username: 'ow\u0301ner' })), status: 400, message: USERNAME_RULE },
  { name: 'setup: username of 65 characters', send: () => post(anonymous, '/setup', setupForm({ username: 'a'.repeat(65) })), status: 400, message: USERNAME_RULE },
  { name: 'setup: username as a number (JSON)', send: () => post(anonymous, '/setup', setupForm({ username: 12345 }), { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'setup: username given twice', send: () => post(anonymous, '/setup', `setupCode=${setupCode}&username=a&username=b&password=a+long+enough+password&passwordRepeat=a+long+enough+password`), status: 400, message: SINGLE },
  { name: 'setup: password too short', send: () => post(anonymous, '/setup', setupForm({ password: 'short', passwordRepeat: 'short' })), status: 400, message: 'Use at least 12 characters.' },
  { name: 'setup: password of 257 characters', send: () => post(anonymous, '/setup', setupForm({ password: 'p'.repeat(257), passwordRepeat: 'p'.repeat(257) })), status: 400, message: 'Use at most 256 characters.' },
  { name: 'setup: passwords differ', send: () => post(anonymous, '/setup', setupForm({ passwordRepeat: 'a long enough passwort' })), status: 400, message: 'The two passwords differ.' },
  { name: 'setup: an unknown field (isAdmin)', send: () => post(anonymous, '/setup', setupForm({ isAdmin: 'true' })), status: 400, message: NOT_A_FIELD },
  { name: 'setup: no CSRF token', send: () => post(anonymous, '/setup', setupForm({}), { csrf: false }), status: 403, message: 'did not come from this panel' },
  { name: 'setup: a body over 64 kB', send: () => post(anonymous, '/setup', setupForm({ username: HUGE })), status: 413, message: TOO_LARGE },
];

// prettier-ignore
const loginRows: Row[] = [
  { name: 'login: username empty', send: () => post(anonymous, '/login', { username: '', password: ADMIN.password }), status: 400, message: 'Enter your username.' },
  { name: 'login: password empty', send: () => post(anonymous, '/login', { username: ADMIN.username, password: '' }), status: 400, message: 'Enter your password.' },
  { name: 'login: username of 65 characters', send: () => post(anonymous, '/login', { username: 'a'.repeat(65), password: ADMIN.password }), status: 400, message: 'That username is too long.' },
  { name: 'login: password of 257 characters', send: () => post(anonymous, '/login', { username: ADMIN.username, password: 'p'.repeat(257) }), status: 400, message: 'That password is too long.' },
  { name: 'login: password as an object (JSON operator injection)', send: () => post(anonymous, '/login', { username: ADMIN.username, password: { $ne: null } }, { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'login: SQL in the username', send: () => post(anonymous, '/login', { username: `admin${SQL}`, password: `' OR '1'='1` }), status: 401, message: 'Wrong username or password.' },
  { name: 'login: NUL after the username', send: () => post(anonymous, '/login', { username: `${ADMIN.username}${NUL}`, password: ADMIN.password }), status: 401, message: 'Wrong username or password.' },
  { name: 'login: malformed JSON', send: () => postRaw('/login', 'application/json', '{"username": "admin", "password": '), status: 415, message: NOT_A_FORM },
  { name: 'login: a JSON body over 64 kB', send: () => postRaw('/login', 'application/json', JSON.stringify({ username: ADMIN.username, password: HUGE })), status: 415, message: NOT_A_FORM },
  { name: 'login: JSON nested 25 000 levels deep', send: () => postRaw('/login', 'application/json', DEEP_JSON), status: 415, message: NOT_A_FORM },
  { name: 'login: a text/plain body', send: () => postRaw('/login', 'text/plain', 'username=admin&password=x'), status: 415, message: NOT_A_FORM },
  { name: 'login: password as an operator in brackets (urlencoded stays flat)', send: () => post(anonymous, '/login', `username=${ADMIN.username}&password[$ne]=x`), status: 400, message: 'Enter your password.' },
  { name: 'login: username nested in brackets 500 deep (urlencoded stays flat)', send: () => post(anonymous, '/login', `username${'[a]'.repeat(500)}=admin&password=x`), status: 400, message: 'Enter your username.' },
  { name: 'login: more than 200 fields', send: () => postRaw('/login', 'application/x-www-form-urlencoded', Array.from({ length: 250 }, (_, i) => `f${i}=1`).join('&')), status: 413, message: TOO_LARGE },
  { name: 'login code: no code step under way', send: () => postThenGet(anonymous, '/login/code', { code: '123456' }, '/login'), status: 303, message: 'That sign-in has expired. Enter your password again.' },
];

// prettier-ignore
const accountRows: Row[] = [
  { name: 'account: current password empty', send: () => post(agent, '/account/password', passwordForm({ currentPassword: '' })), status: 400, message: 'Enter your current password.' },
  { name: 'account: current password wrong', send: () => post(agent, '/account/password', passwordForm({ currentPassword: 'not the password at all' })), status: 400, message: 'The current password is not right.' },
  { name: 'account: new password too short', send: () => post(agent, '/account/password', passwordForm({ password: 'eleven char', passwordRepeat: 'eleven char' })), status: 400, message: 'Use at least 12 characters.' },
  { name: 'account: new password of 257 characters', send: () => post(agent, '/account/password', passwordForm({ password: 'p'.repeat(257), passwordRepeat: 'p'.repeat(257) })), status: 400, message: 'Use at most 256 characters.' },
  { name: 'account: new passwords differ', send: () => post(agent, '/account/password', passwordForm({ passwordRepeat: 'another long passwort' })), status: 400, message: 'The two passwords differ.' },
  { name: 'account: new password as an array (JSON)', send: () => post(agent, '/account/password', passwordForm({ password: ['another long password'] }), { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'account: an unknown field (username)', send: () => post(agent, '/account/password', passwordForm({ username: 'root' })), status: 400, message: NOT_A_FIELD },
  { name: '2fa confirm: no setup under way', send: () => post(agent, '/account/2fa/confirm', { code: '123456' }), status: 400, message: 'no two-factor setup is under way' },
  { name: '2fa confirm: code empty', send: () => post(agent, '/account/2fa/confirm', { code: '' }), status: 400, message: 'Enter the 6-digit code from your app, or a recovery code.' },
  { name: '2fa confirm: code of 21 characters', send: () => post(agent, '/account/2fa/confirm', { code: '1'.repeat(21) }), status: 400, message: 'That is not a code' },
  { name: '2fa confirm: code as an array (JSON)', send: () => post(agent, '/account/2fa/confirm', { code: ['123456'] }, { json: true }), status: 415, message: NOT_A_FORM },
  { name: '2fa confirm: an unknown field (secret)', send: () => post(agent, '/account/2fa/confirm', { code: '123456', secret: 'JBSWY3DPEHPK3PXP' }), status: 400, message: NOT_A_FIELD },
  { name: '2fa disable: password empty', send: () => post(agent, '/account/2fa/disable', { confirmPassword: '' }), status: 400, message: 'Enter your current password.' },
  { name: '2fa disable: password wrong', send: () => post(agent, '/account/2fa/disable', { confirmPassword: 'not the password at all' }), status: 400, message: 'The current password is not right.' },
  { name: '2fa start: no CSRF token', send: () => post(agent, '/account/2fa/start', {}, { csrf: false }), status: 403, message: 'did not come from this panel' },
];

// prettier-ignore
const tokenRows: Row[] = [
  { name: 'token: empty', send: () => post(agent, '/settings/token', { token: '' }), status: 400, message: 'Paste the API token.' },
  { name: 'token: only spaces and a newline', send: () => post(agent, '/settings/token', { token: '   \n ' }), status: 400, message: 'Paste the API token.' },
  { name: 'token: 513 characters', send: () => post(agent, '/settings/token', { token: 'a'.repeat(513) }), status: 400, message: 'That is longer than any Hetzner API token' },
  { name: 'token: two words', send: () => post(agent, '/settings/token', { token: `${TOKEN} extra` }), status: 400, message: TOKEN_WORD },
  { name: 'token: a zero-width space inside', send: () => post(agent, '/settings/token', { token: `abc${ZERO_WIDTH}def` }), status: 400, message: TOKEN_WORD },
  { name: 'token: an emoji', send: () => post(agent, '/settings/token', { token: 'token📸token' }), status: 400, message: TOKEN_WORD },
  { name: 'token: NUL inside', send: () => post(agent, '/settings/token', { token: `abc${NUL}def` }), status: 400, message: TOKEN_WORD },
  { name: 'token: SQL', send: () => post(agent, '/settings/token', { token: SQL }), status: 400, message: TOKEN_WORD },
  { name: 'token: a number (JSON)', send: () => post(agent, '/settings/token', { token: 42 }, { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'token: given twice', send: () => post(agent, '/settings/token', 'token=a&token=b'), status: 400, message: SINGLE },
  { name: 'token: <script>, unknown to Hetzner', send: () => post(agent, '/settings/token', { token: SCRIPT }), status: 422, message: 'Hetzner does not know this token' },
  { name: 'token: read-only', send: () => post(agent, '/settings/token', { token: RO_TOKEN }), status: 422, message: 'This token is read-only' },
];

// prettier-ignore
const scheduleRows: Row[] = [
  { name: 'schedule: cron with minute 61', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: '61 * * * *' })), status: 400, message: 'is not a valid cron expression' },
  { name: 'schedule: cron every minute', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: '* * * * *' })), status: 400, message: '"* * * * *" runs 60 times an hour.' },
  { name: 'schedule: cron with 7 fields', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: '0 0 3 * * * 2030' })), status: 400, message: 'has 7 fields' },
  { name: 'schedule: cron that never runs (30 February)', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: '0 3 30 2 *' })), status: 400, message: 'never runs' },
  { name: 'schedule: cron of 191 characters', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: `0 3 * * ${'1,'.repeat(93)}1` })), status: 400, message: 'A cron expression has at most 190 characters.' },
  { name: 'schedule: cron with <script>', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: SCRIPT })), status: 400, message: /has 1 field|is not a valid cron expression/ },
  { name: 'schedule: cron empty', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: '' })), status: 400, message: 'Enter a cron expression with 5 fields' },
  { name: 'schedule: retention 0 days', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: '0' })), status: 400, message: RANGE_DAYS },
  { name: 'schedule: retention 366 days', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: '366' })), status: 400, message: RANGE_DAYS },
  { name: 'schedule: retention -1 days', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: '-1' })), status: 400, message: RANGE_DAYS },
  { name: 'schedule: retention 7.5 days', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: '7.5' })), status: 400, message: RANGE_DAYS },
  { name: 'schedule: retention 1e3 days', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: '1e3' })), status: 400, message: RANGE_DAYS },
  { name: 'schedule: retention with SQL', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: `7${SQL}` })), status: 400, message: RANGE_DAYS },
  { name: 'schedule: retention in Arabic-Indic digits', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: '٧' })), status: 400, message: RANGE_DAYS },
  { name: 'schedule: retention as a boolean (JSON)', send: () => post(agent, '/settings/schedule', validChangedSchedule({ retentionDays: true }), { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'schedule: keep 0', send: () => post(agent, '/settings/schedule', validChangedSchedule({ keepMin: '0' })), status: 400, message: RANGE_KEEP },
  { name: 'schedule: keep "three"', send: () => post(agent, '/settings/schedule', validChangedSchedule({ keepMin: 'three' })), status: 400, message: RANGE_KEEP },
  { name: 'schedule: keep as an object (JSON)', send: () => post(agent, '/settings/schedule', validChangedSchedule({ keepMin: { $gt: 0 } }), { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'schedule: daily at 25:00', send: () => post(agent, '/settings/schedule', validChangedSchedule({ dailyAt: '25:00' })), status: 400, message: /HH:MM|25:00/ },
  { name: 'schedule: daily at a time with @', send: () => post(agent, '/settings/schedule', validChangedSchedule({ dailyAt: '03:30@weekly' })), status: 400, message: 'Write the time as HH:MM in 24-hour form' },
  { name: 'schedule: every 5 hours', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'hours', everyHours: '5' })), status: 400, message: 'Every 5 hours does not fit the day evenly.' },
  { name: 'schedule: weekly on "funday"', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'weekly', weeklyDay: 'funday' })), status: 400, message: /mon, tue, wed|funday/ },
  { name: 'schedule: a monthly frequency', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'monthly' })), status: 400, message: 'Choose how often' },
  { name: 'schedule: enabled "maybe"', send: () => post(agent, '/settings/schedule', validChangedSchedule({ enabled: 'maybe' })), status: 400, message: 'Choose on or off (true or false).' },
  { name: 'schedule: tiers on, all zero', send: () => post(agent, '/settings/schedule', validChangedSchedule({ tiersEnabled: 'true', tierHourly: '0', tierDaily: '0', tierWeekly: '0', tierMonthly: '0' })), status: 400, message: 'Keep at least one tier above 0' },
  { name: 'schedule: 169 hourly tiers', send: () => post(agent, '/settings/schedule', validChangedSchedule({ tiersEnabled: 'true', tierHourly: '169' })), status: 400, message: 'Enter a whole number from 0 to 168.' },
  { name: 'schedule: the old webhookUrl field (now a notification channel)', send: () => post(agent, '/settings/schedule', validChangedSchedule({ webhookUrl: 'https://example.com/hook' })), status: 400, message: NOT_A_FIELD },
  { name: 'schedule: cron on leap days only', send: () => post(agent, '/settings/schedule', validChangedSchedule({ frequencyKind: 'cron', cron: '0 0 29 2 *' })), status: 400, message: 'at least 3 times in 8 years' },
  { name: 'schedule: an unknown field (tokenEncrypted)', send: () => post(agent, '/settings/schedule', validChangedSchedule({ tokenEncrypted: 'x' })), status: 400, message: NOT_A_FIELD },
  { name: 'schedule: a body over 64 kB', send: () => post(agent, '/settings/schedule', validChangedSchedule({ cron: HUGE })), status: 413, message: TOO_LARGE },
  { name: 'schedule: no CSRF token', send: () => post(agent, '/settings/schedule', validChangedSchedule({}), { csrf: false }), status: 403, message: 'did not come from this panel' },
  { name: 'schedule preview: retention 400 days', send: () => post(agent, '/settings/schedule', validChangedSchedule({ intent: 'preview', retentionDays: '400' })), status: 400, message: RANGE_DAYS },
];

// prettier-ignore
const notificationRows: Row[] = [
  { name: 'webhook: javascript: URL', send: () => post(agent, WEBHOOKS, webhookForm({ url: 'javascript:alert(1)' })), status: 400, message: 'Enter a full http:// or https:// address' },
  { name: 'webhook: URL with a password', send: () => post(agent, WEBHOOKS, webhookForm({ url: 'https://user:secret@example.com/hook' })), status: 400, message: 'Leave the user name and password out' },
  { name: 'webhook: URL with <script>', send: () => post(agent, WEBHOOKS, webhookForm({ url: `https://example.com/${SCRIPT}` })), status: 400, message: 'contains spaces or characters such as' },
  { name: 'webhook: to the metadata service', send: () => post(agent, WEBHOOKS, webhookForm({ url: 'http://169.254.169.254/hetzner/v1/metadata' })), status: 400, message: 'never sends webhooks there' },
  { name: 'webhook: to 127.0.0.1', send: () => post(agent, WEBHOOKS, webhookForm({ url: 'http://127.0.0.1:8080/hook' })), status: 400, message: 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true' },
  { name: 'webhook: to 0x7f000001', send: () => post(agent, WEBHOOKS, webhookForm({ url: 'http://0x7f000001/hook' })), status: 400, message: 'loopback' },
  { name: 'webhook: to [::1]', send: () => post(agent, WEBHOOKS, webhookForm({ url: 'http://[::1]/hook' })), status: 400, message: 'loopback' },
  { name: 'webhook: to localhost', send: () => post(agent, WEBHOOKS, webhookForm({ url: 'http://localhost/hook' })), status: 400, message: 'loopback' },
  { name: 'webhook: an unknown format', send: () => post(agent, WEBHOOKS, webhookForm({ format: 'teams' })), status: 400, message: 'Pick one of the formats' },
  { name: 'webhook: a secret of 10 characters', send: () => post(agent, WEBHOOKS, webhookForm({ secret: 'short12345' })), status: 400, message: 'Use at least 16 characters' },
  { name: 'webhook: a secret with a space', send: () => post(agent, WEBHOOKS, webhookForm({ secret: 'sixteen chars or more' })), status: 400, message: 'no spaces' },
  { name: 'webhook: a secret for Slack', send: () => post(agent, WEBHOOKS, webhookForm({ format: 'slack', secret: 'a-secret-of-sixteen+' })), status: 400, message: 'Slack webhooks take no secret' },
  { name: 'webhook: no event picked', send: () => post(agent, WEBHOOKS, webhookForm({ 'event:cycle.failed': '' })), status: 400, message: 'Pick at least one event' },
  { name: 'webhook: an unknown event', send: () => post(agent, WEBHOOKS, webhookForm({ 'event:everything': 'on' })), status: 400, message: '"everything" is not an event the panel sends.' },
  { name: 'webhook: an empty name', send: () => post(agent, WEBHOOKS, webhookForm({ name: '  ' })), status: 400, message: 'Give the channel a name' },
  { name: 'webhook: a name with <script>', send: () => post(agent, WEBHOOKS, webhookForm({ name: SCRIPT })), status: 400, message: 'cannot hold control characters or < >' },
  { name: 'webhook: a name of 101 characters', send: () => post(agent, WEBHOOKS, webhookForm({ name: 'n'.repeat(101) })), status: 400, message: 'A name has at most 100 characters.' },
  { name: 'webhook: enabled "maybe"', send: () => post(agent, WEBHOOKS, webhookForm({ enabled: 'maybe' })), status: 400, message: 'must be a checkbox' },
  { name: 'webhook: an unknown field (secretEncrypted)', send: () => post(agent, WEBHOOKS, webhookForm({ secretEncrypted: 'v1:x' })), status: 400, message: NOT_A_FIELD },
  { name: 'webhook: as JSON', send: () => post(agent, WEBHOOKS, webhookForm({}), { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'webhook: a body over 64 kB', send: () => post(agent, WEBHOOKS, webhookForm({ url: `https://example.com/${HUGE}` })), status: 413, message: TOO_LARGE },
  { name: 'webhook: no CSRF token', send: () => post(agent, WEBHOOKS, webhookForm({}), { csrf: false }), status: 403, message: 'did not come from this panel' },
  { name: 'webhook: change a channel that does not exist', send: () => post(agent, '/settings/notifications/999', webhookForm({})), status: 404, message: 'That notification channel does not exist' },
  { name: 'webhook: change channel "1 OR 1=1"', send: () => post(agent, '/settings/notifications/1%20OR%201=1', webhookForm({})), status: 404, message: 'That notification channel does not exist' },
  { name: 'webhook: change the stored one to a bad URL', send: () => post(agent, '/settings/notifications/1', webhookForm({ url: 'ftp://example.com/x' })), status: 400, message: 'Enter a full http:// or https:// address' },
  { name: 'email: port 70000', send: () => post(agent, EMAILS, emailForm({ port: '70000' })), status: 400, message: 'Enter a port number from 1 to 65535.' },
  { name: 'email: port "abc"', send: () => post(agent, EMAILS, emailForm({ port: 'abc' })), status: 400, message: 'Enter a port number: 587 for STARTTLS' },
  { name: 'email: a host with a space', send: () => post(agent, EMAILS, emailForm({ host: 'smtp example.com' })), status: 400, message: 'Enter a host name such as smtp.example.com' },
  { name: 'email: the metadata service as host', send: () => post(agent, EMAILS, emailForm({ host: '169.254.169.254' })), status: 400, message: 'never sends mail there' },
  { name: 'email: security "ssl"', send: () => post(agent, EMAILS, emailForm({ security: 'ssl' })), status: 400, message: 'Pick STARTTLS, TLS or none.' },
  { name: 'email: from is not an address', send: () => post(agent, EMAILS, emailForm({ from: 'the panel' })), status: 400, message: 'Enter the sender address' },
  { name: 'email: one bad recipient', send: () => post(agent, EMAILS, emailForm({ to: 'ops@example.com, <script>@x' })), status: 400, message: 'is not an e-mail address' },
  { name: 'email: no recipient', send: () => post(agent, EMAILS, emailForm({ to: '' })), status: 400, message: 'Enter at least one address to send to.' },
  { name: 'email: a stored password left empty', send: () => post(agent, EMAILS, emailForm({ password: '' })), status: 400, message: 'Enter the SMTP password' },
  { name: 'email: SMTP_PASSWORD not set', send: () => post(agent, EMAILS, emailForm({ passwordSource: 'environment', password: '' })), status: 400, message: 'SMTP_PASSWORD is not set' },
  { name: 'email: a user name without a password', send: () => post(agent, EMAILS, emailForm({ passwordSource: 'none', password: '' })), status: 400, message: 'A user name needs a password' },
  { name: 'email: a password of 501 characters', send: () => post(agent, EMAILS, emailForm({ password: 'p'.repeat(501) })), status: 400, message: 'A password has at most 500 characters.' },
  { name: 'notifications: test a channel that does not exist', send: () => post(agent, '/settings/notifications/999/test', {}), status: 404, message: 'That notification channel does not exist' },
  { name: 'notifications: remove a channel that does not exist', send: () => post(agent, '/settings/notifications/999/remove', {}), status: 404, message: 'That notification channel does not exist' },
  { name: 'notifications: remove without a CSRF token', send: () => post(agent, '/settings/notifications/1/remove', {}, { csrf: false }), status: 403, message: 'did not come from this panel' },
];

// prettier-ignore
const snapshotRows: Row[] = [
  { name: 'take: description of 101 characters', send: () => post(agent, '/snapshots', { description: 'd'.repeat(101) }), status: 400, message: 'Use at most 100 characters.' },
  { name: 'take: description with an RTL override', send: () => post(agent, '/snapshots', { description: `invoice${RTL}fdp.exe` }), status: 400, message: INVISIBLE },
  { name: 'take: description with a zero-width space', send: () => post(agent, '/snapshots', { description: `before${ZERO_WIDTH}update` }), status: 400, message: INVISIBLE },
  { name: 'take: description with NUL', send: () => post(agent, '/snapshots', { description: `before${NUL}update` }), status: 400, message: INVISIBLE },
  { name: 'take: description with a line break', send: () => post(agent, '/snapshots', { description: 'line one\nline two' }), status: 400, message: INVISIBLE },
  { name: 'take: description as a number (JSON)', send: () => post(agent, '/snapshots', { description: 42 }, { json: true }), status: 415, message: NOT_A_FORM },
  { name: 'take: description given twice', send: () => post(agent, '/snapshots', 'description=a&description=b'), status: 400, message: SINGLE },
  { name: 'take: a damaged request key', send: () => post(agent, '/snapshots', { description: 'ok', requestKey: `${SQL}` }), status: 400, message: 'This form is damaged; reload the page and try again.' },
  { name: 'take: an unknown field (labels)', send: () => post(agent, '/snapshots', { description: 'ok', labels: 'managed-by=someone' }), status: 400, message: NOT_A_FIELD },
  { name: 'delete: id "abc"', send: () => post(agent, '/snapshots/abc/delete', {}), status: 404, message: NO_PAGE },
  { name: 'delete: negative id', send: () => post(agent, '/snapshots/-5/delete', {}), status: 404, message: NO_PAGE },
  { name: 'delete: id 1e3', send: () => post(agent, `/snapshots/1e3/delete`, {}), status: 404, message: NO_PAGE },
  { name: 'delete: id with SQL', send: () => post(agent, `/snapshots/${encodeURIComponent(`1${SQL}`)}/delete`, {}), status: 404, message: NO_PAGE },
  { name: 'delete: another server’s snapshot', send: () => post(agent, `/snapshots/${foreign.id}/delete`, {}), status: 404, message: NO_PAGE },
  { name: 'delete: a snapshot that does not exist', send: () => post(agent, '/snapshots/999999999/delete', {}), status: 404, message: NO_PAGE },
  { name: 'delete confirmation page: another server’s snapshot', send: () => get(`/snapshots/${foreign.id}/delete`), status: 404, message: NO_PAGE },
  { name: 'delete: a protected snapshot (flash)', send: () => postAndFollow(`/snapshots/${ownProtected.id}/delete`), status: 303, message: 'is protected against deletion. Remove its protection first' },
  { name: 'protect: id 0', send: () => post(agent, '/snapshots/0/protect', {}), status: 404, message: NO_PAGE },
  { name: 'protect: another server’s snapshot', send: () => post(agent, `/snapshots/${foreign.id}/protect`, {}), status: 404, message: NO_PAGE },
  { name: 'unprotect: id with a combining mark', send: () => post(agent, `/snapshots/${encodeURIComponent(`${ownProtected.id}\u0301`)}/unprotect`, {}), status: 404, message: NO_PAGE },
  { name: 'keep: another server’s snapshot', send: () => post(agent, `/snapshots/${foreign.id}/keep`, {}), status: 404, message: NO_PAGE },
  { name: 'keep: a manual snapshot (flash)', send: () => postAndFollow(`/snapshots/${ownManual.id}/keep`), status: 303, message: 'is not an automatic snapshot' },
  { name: 'unkeep: an automatic snapshot (flash)', send: () => postAndFollow(`/snapshots/${ownAuto.id}/unkeep`), status: 303, message: /Snapshot “web-1 auto” was not marked to keep\./ },
  { name: 'restore: id "abc"', send: () => post(agent, '/snapshots/abc/restore', restoreForm({})), status: 404, message: NO_PAGE },
  { name: 'restore: another server’s snapshot', send: () => post(agent, `/snapshots/${foreign.id}/restore`, restoreForm({})), status: 409, message: 'was not taken of this server' },
  { name: 'restore: confirmation empty', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ confirmServerName: '' })), status: 400, message: 'Type the server name to confirm.' },
  { name: 'restore: another server’s name', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ confirmServerName: 'db-1' })), status: 400, message: "That is not this server's name. Type web-1 to confirm." },
  { name: 'restore: the name in capitals', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ confirmServerName: 'WEB-1' })), status: 400, message: "That is not this server's name." },
  { name: 'restore: the name with a zero-width space', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ confirmServerName: `web-1${ZERO_WIDTH}` })), status: 400, message: "That is not this server's name." },
  { name: 'restore: the name with <script>', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ confirmServerName: SCRIPT })), status: 400, message: "That is not this server's name." },
  { name: 'restore: confirmation of 101 characters', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ confirmServerName: 'w'.repeat(101) })), status: 400, message: 'That is longer than any server name.' },
  { name: 'restore: "skip safety snapshot" = yes', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ skipSafetySnapshot: 'yes' })), status: 400, message: 'Tick the box or leave it empty.' },
  { name: 'restore: an unknown field (serverId)', send: () => post(agent, `/snapshots/${ownAuto.id}/restore`, restoreForm({ serverId: '1' })), status: 400, message: NOT_A_FIELD },
];

const RO_STDIN = `${RO_TOKEN}\n`;
// prettier-ignore
const cliRows: Row[] = [
  { name: 'cli: an unknown command', send: () => cli(['snapshot', 'explode']), status: 2, message: 'Unknown command "snapshot explode"' },
  { name: 'cli admin create: no --username', send: () => cli(['admin', 'create'], 'a long enough password\n'), status: 2, message: '--username NAME is required.' },
  { name: 'cli admin create: --username empty', send: () => cli(['admin', 'create', '--username', ''], 'a long enough password\n'), status: 2, message: '--username NAME is required.' },
  { name: 'cli admin create: --username with <script>', send: () => cli(['admin', 'create', '--username', SCRIPT], 'a long enough password\n'), status: 1, message: 'Invalid username.' },
  { name: 'cli admin create: --username with an RTL override', send: () => cli(['admin', 'create', '--username', `ad${RTL}min2`], 'a long enough password\n'), status: 1, message: 'Invalid username.' },
  { name: 'cli admin create: short password', send: () => cli(['admin', 'create', '--username', 'second'], 'short\n'), status: 1, message: 'The password must have at least 12 characters.' },
  { name: 'cli admin create: empty password', send: () => cli(['admin', 'create', '--username', 'second']), status: 1, message: 'The password must have at least 12 characters.' },
  { name: 'cli admin create: the name taken', send: () => cli(['admin', 'create', '--username', ADMIN.username], 'a long enough password\n'), status: 1, message: `An admin named "${ADMIN.username}" already exists.` },
  { name: 'cli admin create: an unknown option', send: () => cli(['admin', 'create', '--username', 'x', '--role', 'root']), status: 2, message: 'Unknown option --role.' },
  { name: 'cli admin reset-password: nobody of that name', send: () => cli(['admin', 'reset-password', '--username', SQL], 'a long enough password\n'), status: 1, message: 'There is no admin named' },
  { name: 'cli admin reset-password: short password', send: () => cli(['admin', 'reset-password', '--username', ADMIN.username], 'short\n'), status: 1, message: 'The password must have at least 12 characters.' },
  { name: 'cli admin reset-password: --username twice', send: () => cli(['admin', 'reset-password', '--username', 'a', '--username', 'b']), status: 2, message: '--username is given twice.' },
  { name: 'cli admin remove: no --username', send: () => cli(['admin', 'remove']), status: 2, message: '--username NAME is required.' },
  { name: 'cli admin remove: nobody of that name', send: () => cli(['admin', 'remove', '--username', SQL]), status: 1, message: 'There is no admin named' },
  { name: 'cli admin remove: the last admin', send: () => cli(['admin', 'remove', '--username', ADMIN.username]), status: 1, message: 'is the only admin' },
  { name: 'cli admin reset-2fa: nobody of that name', send: () => cli(['admin', 'reset-2fa', '--username', 'nobody']), status: 1, message: 'There is no admin named "nobody".' },
  { name: 'cli admin reset-2fa: the name as an argument', send: () => cli(['admin', 'reset-2fa', ADMIN.username]), status: 2, message: 'This command takes no arguments' },
  { name: 'cli admin list: an unknown option', send: () => cli(['admin', 'list', '--all']), status: 2, message: 'Unknown option --all.' },
  { name: 'cli admin list: --json=maybe', send: () => cli(['admin', 'list', '--json=maybe']), status: 2, message: '--json takes no value' },
  { name: 'cli token set: nothing on stdin', send: () => cli(['token', 'set']), status: 2, message: 'Paste the API token.' },
  { name: 'cli token set: two words', send: () => cli(['token', 'set'], 'abc def\n'), status: 2, message: TOKEN_WORD },
  { name: 'cli token set: 513 characters', send: () => cli(['token', 'set'], `${'a'.repeat(513)}\n`), status: 2, message: 'That is longer than any Hetzner API token' },
  { name: 'cli token set: NUL inside', send: () => cli(['token', 'set'], `abc${NUL}def\n`), status: 2, message: TOKEN_WORD },
  { name: 'cli token set: read-only', send: () => cli(['token', 'set'], RO_STDIN), status: 1, message: 'This token is read-only' },
  // The token itself as an argument is echoed back in this message: see the known issue in secrets.e2e-spec.ts.
  { name: 'cli token set: an unexpected argument', send: () => cli(['token', 'set', 'my-token-here']), status: 2, message: 'This command takes no arguments (got 1). Secrets such as the token are read from standard input.' },
  { name: 'cli schedule set: no option', send: () => cli(['schedule', 'set']), status: 2, message: 'Give at least one option' },
  { name: 'cli schedule set: cron with minute 61', send: () => cli(['schedule', 'set', '--cron', '61 * * * *']), status: 2, message: '--cron: "61 * * * *" is not a valid cron expression' },
  { name: 'cli schedule set: cron every minute', send: () => cli(['schedule', 'set', '--cron', '* * * * *']), status: 2, message: '--cron: "* * * * *" runs 60 times an hour.' },
  { name: 'cli schedule set: frequency "monthly"', send: () => cli(['schedule', 'set', '--frequency', 'monthly']), status: 2, message: '--frequency: "monthly" is not a frequency.' },
  { name: 'cli schedule set: daily at 25:00', send: () => cli(['schedule', 'set', '--frequency', 'daily@25:00']), status: 2, message: '--frequency:' },
  { name: 'cli schedule set: frequency and cron', send: () => cli(['schedule', 'set', '--frequency', 'daily@03:30', '--cron', '0 3 * * *']), status: 2, message: 'Give either --frequency or --cron, not both.' },
  { name: 'cli schedule set: retention 0 days', send: () => cli(['schedule', 'set', '--retention-days', '0']), status: 2, message: `--retention-days: ${RANGE_DAYS}` },
  { name: 'cli schedule set: retention with SQL', send: () => cli(['schedule', 'set', '--retention-days', `7${SQL}`]), status: 2, message: `--retention-days: ${RANGE_DAYS}` },
  { name: 'cli schedule set: keep -1', send: () => cli(['schedule', 'set', '--keep-min', '-1']), status: 2, message: `--keep-min: ${RANGE_KEEP}` },
  { name: 'cli schedule set: tiers not a tier', send: () => cli(['schedule', 'set', '--tiers', 'yearly=3']), status: 2, message: '--tiers: "yearly=3" is not a tier.' },
  { name: 'cli schedule set: tiers all zero', send: () => cli(['schedule', 'set', '--tiers', 'hourly=0']), status: 2, message: 'Keep at least one tier above 0' },
  { name: 'cli schedule set: tiers not a number', send: () => cli(['schedule', 'set', '--tiers', 'daily=abc']), status: 2, message: '--tiers: Enter a whole number from 0 to 366.' },
  { name: 'cli schedule set: enabled "yes"', send: () => cli(['schedule', 'set', '--enabled', 'yes']), status: 2, message: '--enabled: Choose on or off (true or false).' },
  { name: 'cli schedule set: the old --webhook-url', send: () => cli(['schedule', 'set', '--webhook-url', 'https://example.com/x']), status: 2, message: '--webhook-url: webhooks are notification channels now' },
  { name: 'cli notify test: --channel abc', send: () => cli(['notify', 'test', '--channel', 'abc']), status: 2, message: '--channel: give the id of a channel, a whole number' },
  { name: 'cli notify test: --channel 0', send: () => cli(['notify', 'test', '--channel', '0']), status: 2, message: '--channel: give the id of a channel' },
  { name: 'cli notify test: --channel with SQL', send: () => cli(['notify', 'test', '--channel', `1${SQL}`]), status: 2, message: '--channel: give the id of a channel' },
  { name: 'cli notify test: a channel that does not exist', send: () => cli(['notify', 'test', '--channel', '999']), status: 1, message: 'There is no notification channel 999.' },
  { name: 'cli notify test: --channel without a value', send: () => cli(['notify', 'test', '--channel']), status: 2, message: '--channel needs a value.' },
  { name: 'cli notify list: an unknown option', send: () => cli(['notify', 'list', '--verbose']), status: 2, message: 'Unknown option --verbose. Options: --json.' },
  { name: 'cli schedule set: cron on leap days only', send: () => cli(['schedule', 'set', '--cron', '0 0 29 2 *']), status: 2, message: '--cron: "0 0 29 2 *" pauses for about 4 years' },
  { name: 'cli schedule set: an option without its value', send: () => cli(['schedule', 'set', '--keep-min']), status: 2, message: '--keep-min needs a value.' },
  { name: 'cli snapshot create: description with an RTL override', send: () => cli(['snapshot', 'create', '--description', `x${RTL}y`]), status: 2, message: `--description: Use letters, digits, spaces and punctuation only: ${INVISIBLE}` },
  { name: 'cli snapshot create: description of 101 characters', send: () => cli(['snapshot', 'create', '--description', 'd'.repeat(101)]), status: 2, message: '--description: Use at most 100 characters.' },
  { name: 'cli snapshot create: description with an escape sequence', send: () => cli(['snapshot', 'create', '--description', 'evil\u001b[2J']), status: 2, message: INVISIBLE },
  { name: 'cli snapshot delete: id "abc"', send: () => cli(['snapshot', 'delete', 'abc']), status: 2, message: 'ID must be a snapshot id (a positive whole number), not "abc".' },
  { name: 'cli snapshot delete: negative id', send: () => cli(['snapshot', 'delete', '-5']), status: 2, message: 'not "-5"' },
  { name: 'cli snapshot delete: no id', send: () => cli(['snapshot', 'delete']), status: 2, message: 'Missing ID.' },
  { name: 'cli snapshot delete: two ids', send: () => cli(['snapshot', 'delete', String(ownAuto.id), String(ownManual.id)]), status: 2, message: 'Too many arguments: this command takes 1.' },
  { name: 'cli snapshot delete: another server’s snapshot', send: () => cli(['snapshot', 'delete', String(foreign.id)]), status: 1, message: /There is no snapshot \d+ of this server\./ },
  { name: 'cli snapshot delete: a protected snapshot', send: () => cli(['snapshot', 'delete', String(ownProtected.id)]), status: 1, message: 'is protected against deletion' },
  { name: 'cli snapshot protect: id 0', send: () => cli(['snapshot', 'protect', '0']), status: 2, message: 'not "0"' },
  { name: 'cli snapshot protect: another server’s snapshot', send: () => cli(['snapshot', 'protect', String(foreign.id)]), status: 1, message: /There is no snapshot \d+ of this server\./ },
  { name: 'cli snapshot unprotect: id with SQL', send: () => cli(['snapshot', 'unprotect', `1 OR 1=1`]), status: 2, message: 'ID must be a snapshot id' },
  { name: 'cli run: an unknown option', send: () => cli(['run', '--now']), status: 2, message: 'Unknown option --now. This command takes no options.' },
  { name: 'cli run: an unexpected argument', send: () => cli(['run', 'please']), status: 2, message: 'This command takes no arguments (got 1).' },
  { name: 'cli prune: --dry-run=maybe', send: () => cli(['prune', '--dry-run=maybe']), status: 2, message: '--dry-run takes no value (or =true/=false).' },
  { name: 'cli prune: --json twice', send: () => cli(['prune', '--dry-run', '--json', '--json']), status: 2, message: '--json is given twice.' },
  { name: 'cli status: an unknown option', send: () => cli(['status', '--verbose']), status: 2, message: 'Unknown option --verbose. Options: --json.' },
  { name: 'cli status: a bad HCLOUD_SERVER_ID', send: () => cli(['status'], '', { HCLOUD_SERVER_ID: '-3' }), status: 2, message: 'HCLOUD_SERVER_ID="-3"' },
  { name: 'cli doctor: --json=yes', send: () => cli(['doctor', '--json=yes']), status: 2, message: '--json takes no value (or =true/=false).' },
  { name: 'cli doctor: an unknown option', send: () => cli(['doctor', '--fix']), status: 2, message: 'Unknown option --fix. Options: --json.' },
];

// prettier-ignore
const previewRows: Row[] = [
  { name: 'preview: retention 0 days', send: () => preview({ retentionDays: '0' }), status: 400, message: RANGE_DAYS },
  { name: 'preview: retention with SQL', send: () => preview({ retentionDays: `7${SQL}` }), status: 400, message: RANGE_DAYS },
  { name: 'preview: keep "three"', send: () => preview({ keepMin: 'three' }), status: 400, message: RANGE_KEEP },
  { name: 'preview: retention given twice', send: () => preview({ retentionDays: ['7', '8'] }), status: 400, message: SINGLE },
  { name: 'preview: cron every minute', send: () => preview({ frequencyKind: 'cron', cron: '* * * * *' }), status: 400, message: 'runs 60 times an hour' },
  { name: 'preview: cron with <script>', send: () => preview({ frequencyKind: 'cron', cron: SCRIPT }), status: 400, message: /has 1 field|is not a valid cron expression/ },
  { name: 'preview: a field the form does not have', send: () => preview({ isAdmin: 'true' }), status: 400, message: NOT_A_FIELD },
  { name: 'preview: tiers all zero', send: () => preview({ tiersEnabled: 'true', tierHourly: '0', tierDaily: '0', tierWeekly: '0', tierMonthly: '0' }), status: 400, message: 'Keep at least one tier above 0' },
  { name: 'preview: signed out', send: async () => { const res = await anonymous.get('/settings/retention-preview').query(savedDefaults({})); return { status: res.status, text: res.headers.location ?? '' }; }, status: 303, message: '/login' },
];

async function expectRefused(row: Row): Promise<void> {
  const before = await state();
  const answer = await row.send();
  const after = await state();
  const shown =
    typeof row.message === 'string' ? answer.text.includes(row.message) : row.message.test(answer.text);
  const excerpt = answer.text.length > 3000 ? `${answer.text.slice(0, 3000)}…` : answer.text;
  // On a mismatch the excerpt shows what the person got instead.
  expect({ status: answer.status, messageShown: shown, text: shown ? '' : excerpt }).toEqual({
    status: row.status,
    messageShown: true,
    text: '',
  });
  expect(JSON.parse(after)).toEqual(JSON.parse(before));
}

describe('bad input is refused with its message and changes nothing (e2e)', () => {
  it('has at least 50 rows over every form and command', () => {
    const rows = [
      ...setupRows,
      ...loginRows,
      ...accountRows,
      ...tokenRows,
      ...scheduleRows,
      ...notificationRows,
      ...previewRows,
      ...snapshotRows,
      ...cliRows,
    ];
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  describe('first-run setup (no admin yet)', () => {
    it.each(setupRows)('$name', async (row) => {
      await expectRefused(row);
      expect(await panel.get<AuthService>(AuthService).hasAdmin()).toBe(false);
    });
  });

  describe('signed in, with a token', () => {
    beforeAll(async () => {
      agent = await panel.signedIn();
      await saveToken(panel, TOKEN);
      // The list is fetched once here, so rows compare states without a first listing in between.
      await agent.get('/snapshots');
    });

    describe('sign-in', () => {
      it.each(loginRows)('$name', expectRefused);
    });
    describe('account password', () => {
      it.each(accountRows)('$name', expectRefused);
    });
    describe('API token', () => {
      it.each(tokenRows)('$name', expectRefused);
    });
    describe('schedule and retention', () => {
      it.each(scheduleRows)('$name', expectRefused);
    });
    describe('notification channels', () => {
      // One stored channel, added through the form, for the rows that change or remove one.
      beforeAll(async () => {
        const created = await post(agent, WEBHOOKS, webhookForm({}));
        expect(created.status).toBe(303);
      });
      it.each(notificationRows)('$name', expectRefused);
    });
    describe('live retention preview (JSON)', () => {
      it.each(previewRows)('$name', async (row) => {
        const requests = fake.requests.length;
        await expectRefused(row);
        expect(fake.requests.length).toBe(requests);
      });
    });
    describe('snapshots: take, delete, protect, keep, restore', () => {
      it.each(snapshotRows)('$name', expectRefused);
    });
    describe('command line', () => {
      it.each(cliRows)('$name', expectRefused);
    });

    it('still works for good input afterwards (the rows were refused for their input, not for a broken panel)', async () => {
      expect((await agent.get('/account')).status).toBe(200);
      const saved = await post(agent, '/settings/schedule', validChangedSchedule({}));
      expect(saved.status).toBe(303);
      expect(
        await panel.rt.dataSource.query('SELECT retention_days AS d, keep_min AS k FROM panel_settings'),
      ).toEqual([{ d: 9, k: 4 }]);
    });
  });
});
