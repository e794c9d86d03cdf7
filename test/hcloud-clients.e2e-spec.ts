// Hetzner's own clients as conformance tests of the fake Hetzner API: the hcloud CLI (Debian hcloud-cli, built on
// hcloud-go) and hcloud-python (Debian python3-hcloud) run against FakeHcloud, with request checking against
// openapi.json on. We assert on what each command prints and on the fake's state afterwards.
// CI installs both (.ci/run) and fails here without them; elsewhere the test is skipped with one line saying so.
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeHcloud, FakeImageRecord, FakeServerRecord } from '../src/fake-hcloud';
import { callFake } from '../src/fake-hcloud/fake-hcloud.spec-helpers';

const TOKEN = 'clients-token';
const RO_TOKEN = 'clients-readonly-token';
const ACTION_MS = 400;
const PYTHON_SCRIPT = path.join(__dirname, 'support', 'hcloud-python-client.py');
const INSTALL_HINT = 'apt-get install hcloud-cli python3-hcloud';

const hasCli = spawnSync('hcloud', ['help'], { stdio: 'ignore' }).error === undefined;
// Debian's library is for the system python3, which a python3 of pyenv or a venv earlier on PATH cannot import.
const python = ['python3', '/usr/bin/python3'].find(
  (candidate) => spawnSync(candidate, ['-c', 'import hcloud'], { stdio: 'ignore' }).status === 0,
);
const missing = [
  ...(hasCli ? [] : ['hcloud (hcloud-cli)']),
  ...(python ? [] : ['python3 -c "import hcloud"']),
];
const onCi = process.env.CI === 'true';
if (missing.length > 0 && !onCi) {
  console.log(`hcloud-clients.e2e-spec skipped, missing: ${missing.join(', ')}. Install: ${INSTALL_HINT}`);
}
const describeWith = (present: boolean) => (present || onCi ? describe : describe.skip);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program asynchronously: the fake answers from this same process, so it must not be blocked. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hcloud-clients-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeWith(hasCli)('the hcloud CLI against the fake', () => {
  let fake: FakeHcloud;
  let web: FakeServerRecord;
  let db: FakeServerRecord;
  let system: FakeImageRecord;
  let managed: FakeImageRecord[];

  beforeAll(async () => {
    if (!hasCli) throw new Error(`the hcloud CLI is missing (CI=true): ${INSTALL_HINT}`);
    fake = await FakeHcloud.start({ actionDurationMs: ACTION_MS });
    fake.addToken(TOKEN);
    fake.addToken(RO_TOKEN, { mode: 'read_only' });
    system = fake.addImage({ type: 'system', name: 'ubuntu-24.04', serverId: null });
    web = fake.addServer({ name: 'web-1', labels: { env: 'prod' } });
    db = fake.addServer({ name: 'db-1', serverType: 'cx32', labels: { env: 'test' } });
    web.imageId = system.id;
    managed = [1, 2].map((n) =>
      fake.addImage({
        serverId: web.id,
        description: `auto ${n}`,
        labels: { 'managed-by': 'snapshot-panel' },
      }),
    );
    fake.addImage({ serverId: db.id, description: 'by hand' });
  });
  afterAll(() => fake?.close());

  const hcloud = (args: string[], token = TOKEN, endpoint = fake.apiEndpoint) =>
    run('hcloud', args, {
      PATH: process.env.PATH,
      HOME: tmp,
      HCLOUD_ENDPOINT: endpoint,
      HCLOUD_TOKEN: token,
      HCLOUD_CONFIG: path.join(tmp, 'cli.toml'),
    });
  const ok = async (args: string[]) => {
    const result = await hcloud(args);
    if (result.code !== 0) throw new Error(`hcloud ${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
    return result.stdout;
  };
  const serverNow = (id: number) => fake.servers().find((server) => server.id === id) as FakeServerRecord;
  const imageNow = (id: number) => fake.images().find((image) => image.id === id);

  describe('reading', () => {
    it('server list -o json', async () => {
      const servers = JSON.parse(await ok(['server', 'list', '-o', 'json']));
      expect(servers.map((server: { id: number; name: string }) => [server.id, server.name])).toEqual([
        [web.id, 'web-1'],
        [db.id, 'db-1'],
      ]);
      expect(servers[1]).toMatchObject({
        status: 'running',
        server_type: { name: 'cx32' },
        labels: { env: 'test' },
        protection: { delete: false, rebuild: false },
        // The CLI prints its own schema of the server: no backups is an empty window there.
        backup_window: '',
      });
    });

    it('server list -o columns=… -o noheader -l selector', async () => {
      const out = await ok([
        'server',
        'list',
        '-o',
        'columns=id,name,status',
        '-o',
        'noheader',
        '-l',
        'env=prod',
      ]);
      expect(out.trim().split(/\s+/)).toEqual([String(web.id), 'web-1', 'running']);
      const none = await ok(['server', 'list', '-o', 'noheader', '-l', 'env in (staging)']);
      expect(none.trim()).toBe('');
    });

    it('server describe (text and -o json)', async () => {
      const text = await ok(['server', 'describe', 'web-1']);
      expect(text).toMatch(new RegExp(`^ID:\\s+${web.id}$`, 'm'));
      expect(text).toMatch(/^Name:\s+web-1$/m);
      expect(text).toMatch(/^\s+env: prod$/m);
      const json = JSON.parse(await ok(['server', 'describe', String(db.id), '-o', 'json']));
      expect(json).toMatchObject({
        id: db.id,
        name: 'db-1',
        image: null,
        public_net: { ipv4: { ip: db.ipv4 } },
      });
    });

    it('image list --type snapshot -l …, and image describe', async () => {
      const listed = JSON.parse(
        await ok(['image', 'list', '--type', 'snapshot', '-l', 'managed-by=snapshot-panel', '-o', 'json']),
      );
      expect(listed.map((image: { id: number }) => image.id)).toEqual(managed.map((image) => image.id));
      const columns = await ok([
        'image',
        'list',
        '--type',
        'snapshot',
        '-o',
        'columns=id,description',
        '-o',
        'noheader',
      ]);
      expect(
        columns
          .trim()
          .split('\n')
          .map((line) => line.trim().split(/\s{2,}/)),
      ).toEqual([
        [String(managed[0].id), 'auto 1'],
        [String(managed[1].id), 'auto 2'],
        [expect.any(String), 'by hand'],
      ]);
      const described = JSON.parse(await ok(['image', 'describe', String(managed[0].id), '-o', 'json']));
      expect(described).toMatchObject({
        id: managed[0].id,
        type: 'snapshot',
        status: 'available',
        created_from: { id: web.id, name: 'web-1' },
        labels: { 'managed-by': 'snapshot-panel' },
      });
    });
  });

  describe('snapshots', () => {
    let made: number;

    it('server create-image --type snapshot --label … --description … waits for the action', async () => {
      const out = await ok([
        'server',
        'create-image',
        '--type',
        'snapshot',
        '--label',
        'managed-by=snapshot-panel',
        '--label',
        'snapshot-panel/kind=manual',
        '--description',
        'before upgrade',
        'web-1',
      ]);
      const match = /^Image (\d+) created from server (\d+)$/m.exec(out);
      expect(match?.[2]).toBe(String(web.id));
      made = Number(match?.[1]);
      // The CLI returns only once the action is done, so the snapshot is already there.
      expect(imageNow(made)).toMatchObject({
        status: 'available',
        description: 'before upgrade',
        labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' },
        createdFrom: { id: web.id, name: 'web-1' },
      });
      expect(fake.actions().find((action) => action.command === 'create_image')?.status).toBe('success');
    });

    it('image update, add-label, remove-label', async () => {
      expect(await ok(['image', 'update', String(made), '--description', 'kept'])).toContain(
        `Image ${made} updated`,
      );
      expect(await ok(['image', 'add-label', String(made), 'keep=yes'])).toContain(
        `Label keep added to image ${made}`,
      );
      expect(await ok(['image', 'remove-label', String(made), 'snapshot-panel/kind'])).toContain(
        `Label snapshot-panel/kind removed from image ${made}`,
      );
      expect(imageNow(made)).toMatchObject({
        description: 'kept',
        labels: { 'managed-by': 'snapshot-panel', keep: 'yes' },
      });
    });

    it('enable-protection delete, delete refused (protected), disable-protection delete, image delete', async () => {
      expect(await ok(['image', 'enable-protection', String(made), 'delete'])).toContain(
        `Resource protection enabled for image ${made}`,
      );
      expect(imageNow(made)?.protection).toEqual({ delete: true });
      const refused = await hcloud(['image', 'delete', String(made)]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('image deletion is protected (protected)');
      expect(imageNow(made)).toBeDefined();

      expect(await ok(['image', 'disable-protection', String(made), 'delete'])).toContain(
        `Resource protection disabled for image ${made}`,
      );
      expect(await ok(['image', 'delete', String(made)])).toMatch(new RegExp(`image ${made} deleted`, 'i'));
      expect(imageNow(made)).toBeUndefined();
    });
  });

  describe('servers', () => {
    it('server add-label, remove-label and update --name (PUT /servers/{id})', async () => {
      expect(await ok(['server', 'add-label', 'web-1', 'role=web'])).toContain(
        `Label role added to server ${web.id}`,
      );
      expect(serverNow(web.id).labels).toEqual({ env: 'prod', role: 'web' });
      expect(await ok(['server', 'remove-label', 'web-1', 'env'])).toContain(
        `Label env removed from server ${web.id}`,
      );
      expect(await ok(['server', 'update', 'web-1', '--name', 'web-2'])).toContain('Server web-1 updated');
      expect(serverNow(web.id)).toMatchObject({ name: 'web-2', labels: { role: 'web' } });
      const put = fake.requests.filter(
        (request) => request.method === 'PUT' && request.path.startsWith('/v1/servers/'),
      );
      expect(put.map((request) => [request.path, request.status])).toEqual(
        Array(3).fill([`/v1/servers/${web.id}`, 200]),
      );
    });

    it('server enable-protection / disable-protection delete rebuild (change_protection)', async () => {
      expect(await ok(['server', 'enable-protection', 'web-2', 'delete', 'rebuild'])).toContain(
        `Resource protection enabled for server ${web.id}`,
      );
      expect(serverNow(web.id).protection).toEqual({ delete: true, rebuild: true });
      const refused = await hcloud(['server', 'rebuild', '--image', 'ubuntu-24.04', 'web-2']);
      expect(refused.stderr).toContain('(protected)');
      expect(await ok(['server', 'disable-protection', 'web-2', 'delete', 'rebuild'])).toContain(
        `Resource protection disabled for server ${web.id}`,
      );
      expect(serverNow(web.id).protection).toEqual({ delete: false, rebuild: false });
    });

    it('server enable-backup / disable-backup, and the backup window they leave', async () => {
      expect(await ok(['server', 'enable-backup', 'web-2'])).toContain(`Backup enabled for server ${web.id}`);
      const window = serverNow(web.id).backupWindow;
      expect(window).toMatch(/^\d\d-\d\d$/);
      expect(await ok(['server', 'describe', 'web-2'])).toMatch(
        new RegExp(`^Backup Window:\\s+${window}$`, 'm'),
      );
      const backup = fake.addImage({ serverId: web.id, type: 'backup' });
      expect(await ok(['server', 'disable-backup', 'web-2'])).toContain(
        `Backup disabled for server ${web.id}`,
      );
      expect(serverNow(web.id).backupWindow).toBeNull();
      expect(imageNow(backup.id)).toBeUndefined();
      const commands = fake.actions().map((action) => action.command);
      expect(commands).toEqual(
        expect.arrayContaining(['change_protection', 'enable_backup', 'disable_backup']),
      );
    });

    it('server rebuild --image (by id and by name) waits for the action', async () => {
      const snapshot = managed[1];
      expect(await ok(['server', 'rebuild', '--image', String(snapshot.id), 'web-2'])).toContain(
        `Server ${web.id} rebuilt with image`,
      );
      expect(serverNow(web.id)).toMatchObject({ status: 'running', imageId: snapshot.id });
      expect(await ok(['server', 'rebuild', '--image', 'ubuntu-24.04', 'web-2'])).toContain(
        `Server ${web.id} rebuilt with image ubuntu-24.04`,
      );
      expect(serverNow(web.id).imageId).toBe(system.id);
    });
  });

  describe('errors', () => {
    it('token_readonly, unauthorized, not_found, invalid_input, and nothing changed', async () => {
      const readOnly = await hcloud(['image', 'delete', String(managed[0].id)], RO_TOKEN);
      expect(readOnly.stderr).toContain('the token is only allowed to perform GET requests (token_readonly)');
      const unknown = await hcloud(['server', 'list'], 'not-a-token');
      expect(unknown.stderr).toContain('unable to authenticate (unauthorized)');
      const notFound = await hcloud(['image', 'describe', '999999']);
      expect(notFound.stderr).toContain('image not found: 999999');
      const badName = await hcloud(['server', 'update', 'db-1', '--name', 'db_1']);
      expect(badName.stderr).toContain("invalid input in field 'name': invalid hostname (invalid_input)");
      const unequal = await hcloud(['server', 'enable-protection', 'db-1', 'delete']);
      expect(unequal.stderr).toContain('(invalid_input)');
      expect([readOnly, unknown, notFound, badName, unequal].map((result) => result.code)).toEqual([
        1, 1, 1, 1, 1,
      ]);
      expect(imageNow(managed[0].id)).toBeDefined();
      expect(serverNow(db.id)).toMatchObject({ name: 'db-1', protection: { delete: false, rebuild: false } });
    });

    it('locked: a second snapshot while one is running', async () => {
      // A fake of its own whose actions last an hour, so the lock surely outlasts the CLI's start on a busy machine.
      const slow = await FakeHcloud.start({ actionDurationMs: 3_600_000 });
      try {
        slow.addToken(TOKEN);
        const busy = slow.addServer({ name: 'busy-1' });
        const first = await callFake(slow, 'POST', `/v1/servers/${busy.id}/actions/create_image`, {
          token: TOKEN,
          body: {},
        });
        expect(first.status).toBe(201);
        const locked = await hcloud(
          ['server', 'create-image', '--type', 'snapshot', 'busy-1'],
          TOKEN,
          slow.apiEndpoint,
        );
        expect(locked.code).toBe(1);
        expect(locked.stderr).toContain('cannot perform operation because server is locked (locked)');
        expect(slow.images()).toHaveLength(1);
      } finally {
        await slow.close();
      }
    });

    it('every request the CLI sent was valid against the spec', () => {
      expect(fake.requests.filter((request) => request.specViolation)).toEqual([]);
      // The two 422s above are the API's own rules (host names; delete and rebuild protection together).
      const refused = fake.requests.filter((request) => request.status === 422);
      expect(refused.map((request) => `${request.method} ${request.path}`)).toEqual([
        `PUT /v1/servers/${db.id}`,
        `POST /v1/servers/${db.id}/actions/change_protection`,
      ]);
    });
  });
});

describeWith(python !== undefined)('hcloud-python against the fake', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;
  let bulk: FakeImageRecord[];

  beforeAll(async () => {
    if (!python) throw new Error(`python3 cannot import hcloud (CI=true): ${INSTALL_HINT}`);
    fake = await FakeHcloud.start({ actionDurationMs: ACTION_MS });
    fake.addToken(TOKEN);
    fake.addToken(RO_TOKEN, { mode: 'read_only' });
    server = fake.addServer({ name: 'web-1' });
    bulk = fake.addImages(56, { serverId: server.id, labels: { bulk: 'yes' } });
    fake.addImages(3, { serverId: server.id });
  });
  afterAll(() => fake?.close());

  it('images.get_all across pages, create_image + wait_until_finished, change_protection, delete', async () => {
    const result = await run(
      python as string,
      [PYTHON_SCRIPT, fake.apiEndpoint, TOKEN, RO_TOKEN, String(server.id)],
      { PATH: process.env.PATH, HOME: tmp },
    );
    if (result.code !== 0) throw new Error(`hcloud-python: exit ${result.code}\n${result.stderr}`);
    const out = JSON.parse(result.stdout);

    expect(out.bulk_ids).toEqual(bulk.map((image) => image.id));
    const pages = fake.requests.filter(
      (request) => request.method === 'GET' && request.path === '/v1/images',
    );
    expect(pages.map((request) => [request.query.page, request.query.per_page])).toEqual([
      ['1', '50'],
      ['2', '50'],
    ]);

    expect(out.create_action_status).toBe('running');
    expect(out.waited_action).toEqual({ command: 'create_image', status: 'success' });
    expect(out.image).toEqual({
      id: expect.any(Number),
      status: 'available',
      description: 'made by hcloud-python',
      labels: { 'made-by': 'python' },
      created_from: server.id,
    });
    expect(out.protect_action).toEqual({ command: 'change_protection', status: 'success' });
    expect(out.protected).toBe(true);
    expect(out.delete_protected_error).toBe('protected');
    expect(out.deleted).toBe(true);
    expect(out.get_deleted_error).toBe('not_found');
    expect(out.readonly_error).toBe('token_readonly');

    // The fake's state afterwards: the new snapshot is gone again, the listed ones untouched.
    expect(fake.images().map((image) => image.id)).not.toContain(out.image.id);
    expect(fake.images()).toHaveLength(59);
    expect(fake.requests.filter((request) => request.specViolation || request.status === 422)).toEqual([]);
  });
});
