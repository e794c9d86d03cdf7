import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';

const TOKEN = 'images-token';

describe('fake Hetzner API: images', () => {
  let fake: FakeHcloud;

  beforeAll(async () => {
    fake = await FakeHcloud.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.addToken(TOKEN);
  });

  const get = (url: string) => callFake(fake, 'GET', url, { token: TOKEN });
  const idsOf = (body: { images: { id: number }[] }) => body.images.map((image) => image.id);

  describe('pagination', () => {
    it('walks 3+ pages through meta.pagination and the Link header', async () => {
      fake.addServer();
      const images = fake.addImages(120);

      const first = await get('/v1/images?per_page=50');
      expect(first.json.meta.pagination).toEqual({
        page: 1,
        per_page: 50,
        previous_page: null,
        next_page: 2,
        last_page: 3,
        total_entries: 120,
      });
      expect(first.headers.get('link')).toBe(
        `<${fake.url}/v1/images?page=2&per_page=50>; rel="next", <${fake.url}/v1/images?page=3&per_page=50>; rel="last"`,
      );

      const second = await get('/v1/images?page=2&per_page=50');
      expect(second.json.meta.pagination).toMatchObject({
        page: 2,
        previous_page: 1,
        next_page: 3,
        last_page: 3,
      });
      expect(linkRels(second.headers.get('link'))).toEqual({
        prev: `${fake.url}/v1/images?page=1&per_page=50`,
        next: `${fake.url}/v1/images?page=3&per_page=50`,
        last: `${fake.url}/v1/images?page=3&per_page=50`,
      });

      const third = await get('/v1/images?page=3&per_page=50');
      expect(third.json.meta.pagination).toMatchObject({
        page: 3,
        previous_page: 2,
        next_page: null,
        last_page: 3,
      });
      expect(Object.keys(linkRels(third.headers.get('link')))).toEqual(['prev']);

      const collected = [...idsOf(first.json), ...idsOf(second.json), ...idsOf(third.json)];
      expect(collected).toEqual(images.map((image) => image.id));
    });

    it('keeps the filters in the Link header', async () => {
      fake.addImages(3, { serverId: null, labels: { a: 'b' } });
      const response = await get(`/v1/images?label_selector=${encodeURIComponent('a=b')}&per_page=1`);
      expect(linkRels(response.headers.get('link')).next).toBe(
        `${fake.url}/v1/images?label_selector=a%3Db&page=2&per_page=1`,
      );
    });

    it('defaults to 25 per page and caps per_page at 50', async () => {
      fake.addImages(60, { serverId: null });
      expect((await get('/v1/images')).json.images).toHaveLength(25);
      const capped = await get('/v1/images?per_page=500');
      expect(capped.json.images).toHaveLength(50);
      expect(capped.json.meta.pagination.per_page).toBe(50);
    });

    it('answers an empty page past the end, and 422 for a page that is not a number', async () => {
      fake.addImages(3, { serverId: null });
      const past = await get('/v1/images?page=9');
      expect(past.json.images).toEqual([]);
      expect(past.json.meta.pagination).toMatchObject({
        page: 9,
        next_page: null,
        last_page: 1,
        total_entries: 3,
      });

      // The spec's schema says integer; that the page is positive is the API's own rule.
      const bad = await get('/v1/images?page=first');
      expect(bad.status).toBe(422);
      expect(bad.json.error.details.fields).toEqual([{ name: 'page', messages: ['must be integer'] }]);
      const zero = await get('/v1/images?page=0');
      expect(zero.json.error.details.fields).toEqual([
        { name: 'page', messages: ['must be a positive integer'] },
      ]);
    });

    it('pages through 5,000 images quickly', async () => {
      fake.addImages(5000, { serverId: null });
      const started = Date.now();
      let seen = 0;
      for (let page: number | null = 1; page !== null;) {
        const response = await get(`/v1/images?type=snapshot&per_page=50&page=${page}`);
        seen += response.json.images.length;
        page = response.json.meta.pagination.next_page;
      }
      expect(seen).toBe(5000);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('sorting', () => {
    beforeEach(() => {
      fake.addImage({ serverId: null, name: null, created: new Date('2026-01-02T00:00:00Z') });
      fake.addImage({
        serverId: null,
        type: 'system',
        name: 'debian-12',
        created: new Date('2026-01-03T00:00:00Z'),
      });
      fake.addImage({
        serverId: null,
        type: 'system',
        name: 'alma-9',
        created: new Date('2026-01-01T00:00:00Z'),
      });
    });
    const order = async (query: string) =>
      (await get(`/v1/images?${query}`)).json.images.map(
        (image: { name: string | null; created: string }) => image.name,
      );

    it.each([
      ['per_page=25', [null, 'debian-12', 'alma-9']],
      ['sort=id', [null, 'debian-12', 'alma-9']],
      ['sort=id:desc', ['alma-9', 'debian-12', null]],
      ['sort=name', [null, 'alma-9', 'debian-12']],
      ['sort=name:desc', ['debian-12', 'alma-9', null]],
      ['sort=created', ['alma-9', null, 'debian-12']],
      ['sort=created:asc', ['alma-9', null, 'debian-12']],
      ['sort=created:desc', ['debian-12', null, 'alma-9']],
      ['sort=type&sort=created:desc', null],
    ])('%s', async (query, expected) => {
      if (expected === null) {
        expect((await get(`/v1/images?${query}`)).status).toBe(422);
        return;
      }
      expect(await order(query)).toEqual(expected);
    });
  });

  describe('filters', () => {
    it('filters by type (repeatable), status, bound_to, name, architecture and labels', async () => {
      const server = fake.addServer();
      const snapshot = fake.addImage({ labels: { 'managed-by': 'snapshot-panel', kind: 'auto' } });
      const manual = fake.addImage({ labels: { 'managed-by': 'snapshot-panel', kind: 'manual' } });
      const backup = fake.addImage({ type: 'backup', serverId: server.id });
      const system = fake.addImage({ type: 'system', name: 'ubuntu-24.04' });
      const creating = fake.addImage({ status: 'creating' });
      const arm = fake.addImage({ architecture: 'arm' });

      const ids = async (query: string) => idsOf((await get(`/v1/images?${query}`)).json);
      expect(await ids('type=snapshot')).toEqual([snapshot.id, manual.id, creating.id, arm.id]);
      expect(await ids('type=backup&type=system')).toEqual([backup.id, system.id]);
      expect(await ids('status=creating')).toEqual([creating.id]);
      expect(await ids(`bound_to=${server.id}`)).toEqual([backup.id]);
      expect(await ids('name=ubuntu-24.04')).toEqual([system.id]);
      expect(await ids('architecture=arm')).toEqual([arm.id]);
      expect(
        await ids(`label_selector=${encodeURIComponent('managed-by=snapshot-panel,kind in (auto)')}`),
      ).toEqual([snapshot.id]);
      expect(await ids(`label_selector=${encodeURIComponent('!managed-by')}&type=snapshot`)).toEqual([
        creating.id,
        arm.id,
      ]);
    });

    it('leaves deprecated images out unless include_deprecated=true', async () => {
      const current = fake.addImage({ type: 'system', name: 'ubuntu-24.04' });
      const old = fake.addImage({
        type: 'system',
        name: 'ubuntu-18.04',
        deprecated: new Date('2023-06-01T00:00:00Z'),
      });
      expect(idsOf((await get('/v1/images')).json)).toEqual([current.id]);
      expect(idsOf((await get('/v1/images?include_deprecated=true')).json)).toEqual([current.id, old.id]);
    });

    it('answers 422 invalid_input naming every bad parameter', async () => {
      const response = await get('/v1/images?type=disk&status=gone&sort=size&architecture=risc');
      expect(response.status).toBe(422);
      expect(response.json.error.code).toBe('invalid_input');
      expect(response.json.error.details.fields.map((field: { name: string }) => field.name).sort()).toEqual([
        'architecture',
        'sort',
        'status',
        'type',
      ]);
      // A selector is a string to the spec; its syntax is checked after the schema, on its own.
      const selector = await get('/v1/images?type=snapshot&label_selector=a%20in%20(b');
      expect(selector.json.error.details.fields.map((field: { name: string }) => field.name)).toEqual([
        'label_selector',
      ]);
    });
  });

  describe('single images', () => {
    it('updates description and replaces labels, converting a backup into a snapshot', async () => {
      const server = fake.addServer();
      const image = fake.addImage({ type: 'backup', serverId: server.id, labels: { old: 'x' } });
      const response = await callFake(fake, 'PUT', `/v1/images/${image.id}`, {
        token: TOKEN,
        body: { description: 'kept', labels: { new: 'y' }, type: 'snapshot' },
      });
      expect(response.status).toBe(200);
      expect(response.json.image).toMatchObject({
        description: 'kept',
        labels: { new: 'y' },
        type: 'snapshot',
        bound_to: null,
      });
      expect(fake.images()[0]).toMatchObject({ description: 'kept', labels: { new: 'y' }, type: 'snapshot' });
    });

    it('deletes with 204 and no body; a protected image answers 423 protected and stays', async () => {
      const image = fake.addImage();
      const guarded = fake.addImage({ protected: true });

      const deleted = await callFake(fake, 'DELETE', `/v1/images/${image.id}`, { token: TOKEN });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');

      const refused = await callFake(fake, 'DELETE', `/v1/images/${guarded.id}`, { token: TOKEN });
      expect(refused.status).toBe(423);
      expect(refused.json.error.code).toBe('protected');
      expect(fake.images().map((remaining) => remaining.id)).toEqual([guarded.id]);
    });

    it('lifts protection through change_protection, after which the image can be deleted', async () => {
      const image = fake.addImage({ protected: true });
      const change = await callFake(fake, 'POST', `/v1/images/${image.id}/actions/change_protection`, {
        token: TOKEN,
        body: { delete: false },
      });
      expect(change.status).toBe(201);
      expect(change.json.action).toMatchObject({
        command: 'change_protection',
        status: 'success',
        progress: 100,
        resources: [{ id: image.id, type: 'image' }],
      });
      expect((await callFake(fake, 'DELETE', `/v1/images/${image.id}`, { token: TOKEN })).status).toBe(204);
    });

    it('shows public system images to every project but lets none change them', async () => {
      const system = fake.addImage({ type: 'system', name: 'ubuntu-24.04', projectId: 1 });
      const other = fake.addProject();
      fake.addToken('other', { projectId: other });
      expect((await callFake(fake, 'GET', `/v1/images/${system.id}`, { token: 'other' })).status).toBe(200);
      const refused = await callFake(fake, 'DELETE', `/v1/images/${system.id}`, { token: 'other' });
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('forbidden');
    });
  });
});

function linkRels(header: string | null): Record<string, string> {
  const rels: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>;\s*rel="(\w+)"/.exec(part);
    if (match) rels[match[2]] = match[1];
  }
  return rels;
}
