// The snapshots page against the fake Hetzner API: every column, the summary, paging through 1,200
// snapshots, the cache rule (requests per view), and each state with its way forward.
import { FakeHcloud } from '../src/fake-hcloud';
import { SnapshotListingService } from '../src/hetzner-snapshots/snapshots/snapshot-listing.service';
import { PanelSettings } from '../src/hetzner-snapshots/settings/panel-settings.entity';
import { capturedLogLines } from './support/panel-harness';
import {
  imageListings,
  PANEL_LABELS,
  requestsTo,
  rowHtml,
  rowText,
  SnapshotsWorld,
  startSnapshotsWorld,
  TOKEN,
  visibleText,
} from './support/snapshots-fixture';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('snapshots page (e2e)', () => {
  let w: SnapshotsWorld;
  afterEach(async () => {
    await w?.close();
  });
  afterAll(() => {
    expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
  });

  const ago = (fake: FakeHcloud, ms: number) => new Date(fake.now().getTime() - ms);

  it('shows every column for each kind of snapshot, newest first, and only this server’s', async () => {
    w = await startSnapshotsWorld();
    const { fake, server, otherServer } = w;
    const autos = [1, 2, 3, 4, 9].map((days) =>
      fake.addImage({
        serverId: server.id,
        description: `auto ${days}d`,
        labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto' },
        created: ago(fake, days * DAY),
        imageSize: 2,
      }),
    );
    const manual = fake.addImage({
      serverId: server.id,
      description: 'before deploying v2.4',
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'manual' },
      created: ago(fake, 3 * HOUR),
      imageSize: 3.25,
    });
    const kept = fake.addImage({
      serverId: server.id,
      description: 'kept one',
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'kept' },
      created: ago(fake, 40 * DAY),
      imageSize: 2,
    });
    const hostile = fake.addImage({
      serverId: server.id,
      description: '<script>alert(1)</script>',
      created: ago(fake, 10 * DAY),
      imageSize: 2,
    });
    const golden = fake.addImage({
      serverId: server.id,
      description: 'golden',
      protected: true,
      created: ago(fake, 30 * DAY),
      imageSize: 2,
    });
    const creating = fake.addImage({
      serverId: server.id,
      description: 'in the works',
      status: 'creating',
      created: ago(fake, 60_000),
    });
    const broken = fake.addImage({
      serverId: server.id,
      description: 'broken',
      status: 'unavailable',
      created: ago(fake, 5 * DAY),
      imageSize: 1,
    });
    const elsewhere = fake.addImage({
      serverId: otherServer.id,
      description: 'db before migration',
      created: ago(fake, 2 * DAY),
    });
    const backup = fake.addImage({
      serverId: server.id,
      type: 'backup',
      description: 'Backup',
      created: ago(fake, DAY),
    });

    const res = await w.agent.get('/snapshots');
    expect(res.status).toBe(200);
    const html = res.text;

    // The description made elsewhere is text, never markup.
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(rowText(html, hostile.id)).toContain('<script>alert(1)</script> #' + hostile.id);
    expect(rowText(html, hostile.id)).toContain('made elsewhere');
    expect(rowText(html, hostile.id)).toContain('never removed by retention');

    // Newest first; other servers' snapshots and backups are not this page's business.
    const order = [...html.matchAll(/<tr id="snapshot-(\d+)"/g)].map((m) => Number(m[1]));
    expect(order[0]).toBe(creating.id);
    expect(order[1]).toBe(manual.id);
    expect(order).not.toContain(elsewhere.id);
    expect(order).not.toContain(backup.id);
    expect(order).toHaveLength(11);

    const manualRow = rowText(html, manual.id);
    expect(manualRow).toContain('before deploying v2.4');
    expect(manualRow).toMatch(/\d{1,2} \w{3} \d{4}, \d{2}:\d{2} CES?T 3 hours ago/);
    expect(manualRow).toContain('3.25 GB');
    expect(manualRow).toContain('available');
    expect(manualRow).toContain('manual');
    expect(rowHtml(html, manual.id)).toContain('title="by hand, in this panel"');
    expect(manualRow).toContain('not protected');
    expect(manualRow).toContain('never removed by retention');
    // The time is the server's (Europe/Berlin), and machine-readable.
    expect(rowHtml(html, manual.id)).toContain(`datetime="${manual.created.toISOString().slice(0, 19)}`);

    expect(rowText(html, autos[0].id)).toContain('automatic');
    expect(rowHtml(html, autos[0].id)).toContain('title="on schedule, by this panel"');
    expect(rowText(html, autos[0].id)).toContain('kept: among the newest 3');
    expect(rowText(html, autos[3].id)).toMatch(/kept until \d{1,2} \w{3} \d{4}, \d{2}:\d{2} CES?T/);
    expect(rowText(html, autos[4].id)).toContain('removed at the next prune');
    expect(rowText(html, kept.id)).toContain('kept: marked to keep');

    expect(rowText(html, golden.id)).toContain('protected');
    expect(rowText(html, golden.id)).not.toContain('not protected');
    expect(rowHtml(html, golden.id)).not.toContain('Delete snapshot');
    // Made elsewhere: shown, restorable, but the panel neither deletes it nor lowers its protection.
    expect(rowHtml(html, golden.id)).not.toContain(`action="/snapshots/${golden.id}/unprotect"`);

    const creatingRow = rowText(html, creating.id);
    expect(creatingRow).toContain('creating');
    expect(creatingRow).toContain('—');
    expect(rowText(html, broken.id)).toContain('unavailable');

    // Restoring (its own page) is offered for available snapshots only.
    expect(rowHtml(html, manual.id)).toContain(`href="/snapshots/${manual.id}/restore"`);
    expect(rowHtml(html, creating.id)).not.toContain('/restore"');

    // Keep only on automatic ones; Stop keeping only on kept ones.
    expect(rowHtml(html, autos[4].id)).toContain(`action="/snapshots/${autos[4].id}/keep"`);
    expect(rowHtml(html, manual.id)).not.toContain('/keep"');
    expect(rowHtml(html, kept.id)).toContain(`action="/snapshots/${kept.id}/unkeep"`);

    // Something is being created elsewhere: the page refreshes itself, with and without JavaScript.
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toMatch(/id="snapshots-region" data-refresh-url="\/snapshots" data-refresh-seconds="5"/);
  });

  it('draws the retention timeline in the page itself, with its words, and filters the list on the server', async () => {
    w = await startSnapshotsWorld();
    const { fake, server } = w;
    const autos = [1, 2, 3, 9, 10].map((days) =>
      fake.addImage({
        serverId: server.id,
        description: `auto ${days}d`,
        labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto' },
        created: ago(fake, days * DAY),
        imageSize: 2,
      }),
    );
    const manual = fake.addImage({
      serverId: server.id,
      description: 'Before the upgrade',
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'manual' },
      created: ago(fake, 5 * DAY),
      imageSize: 2,
    });
    const html = (await w.agent.get('/snapshots')).text;
    // Markup only: no script draws it, and nothing in it needs a style attribute the CSP would refuse.
    const figure = /<figure class="timeline" data-timeline>(.*?)<\/figure>/s.exec(html)![1];
    expect(figure).not.toMatch(/\sstyle=|<script/);
    expect(figure.match(/<svg class="timeline-svg timeline-(wide|narrow)"[^>]* role="img"/g)).toHaveLength(2);
    expect(visibleText(figure)).toContain('In words: the next prune deletes 2 of 6 snapshots');
    expect(visibleText(figure)).toContain('The next prune deletes 2: “auto 10d”, “auto 9d”.');
    // The same two the retention column names, crossed out in each drawing.
    expect(figure.match(/class="tl-mark tl-auto tl-delete"/g)).toHaveLength(4);
    for (const old of autos.slice(3)) expect(rowText(html, old.id)).toContain('removed at the next prune');

    const manualOnly = (await w.agent.get('/snapshots?kind=manual')).text;
    expect(manualOnly.match(/<tr id="snapshot-/g)).toHaveLength(1);
    expect(rowText(manualOnly, manual.id)).toContain('Before the upgrade');
    expect(visibleText(manualOnly)).toContain('1 of 6 snapshots match');
    expect(manualOnly).toContain('<option value="manual" selected>');
    // The timeline still shows every snapshot: the filter chooses rows, not what retention sees.
    expect(visibleText(manualOnly)).toContain('the next prune deletes 2 of 6 snapshots');

    const byText = (await w.agent.get('/snapshots?q=UPGRADE')).text;
    expect(byText.match(/<tr id="snapshot-/g)).toHaveLength(1);
    const none = (await w.agent.get('/snapshots?kind=kept')).text;
    expect(none).toContain('No snapshot matches this filter.');
    // A kind that is none, or markup in the text: no filter, or the text shown back escaped.
    const odd = await w.agent.get('/snapshots?kind=%3Cscript%3E&q=%3Cb%3Ex');
    expect(odd.status).toBe(200);
    expect(odd.text).not.toContain('<b>x');
    expect(odd.text).toContain('value="&lt;b&gt;x"');
    expect(visibleText(odd.text)).toContain('0 of 6 snapshots match');
  });

  it('sums up count, size and the monthly cost next to Hetzner’s Backups, and says when it was refreshed', async () => {
    w = await startSnapshotsWorld({ serverPrice: '10.00' });
    const { fake, server } = w;
    fake.addImage({ serverId: server.id, imageSize: 50, created: ago(fake, DAY) });
    fake.addImage({ serverId: server.id, imageSize: 50, created: ago(fake, 2 * DAY) });
    const res = await w.agent.get('/snapshots');
    const text = visibleText(res.text);
    expect(text).toContain('Snapshots 2 snapshots');
    expect(text).toContain('Total size 100 GB');
    // 100 GB × €0.01309 (0.011 net + 19% VAT) per GB and month.
    expect(text).toContain('Estimated cost €1.31 / month');
    // 20% of the €10.00 the fake charges for this server type at fsn1.
    expect(text).toContain('Hetzner Backups instead €2.00 / month');
    expect(text).toContain("Hetzner's Backups: 20% of the server's €10.00 a month");
    expect(text).toContain('Snapshots cost €0.0131 per GB and month (incl. VAT).');
    expect(text).toMatch(/Last refreshed from Hetzner at \d{2}:\d{2}:\d{2} \(just now\)/);
    expect(text).toContain('Times in Europe/Berlin');
    expect(res.text).toContain('Snapshots <span class="muted">of web-1</span>');
  });

  it('lists 1,200 snapshots in 24 API pages of 50 and shows them 50 to a page', async () => {
    w = await startSnapshotsWorld();
    const { fake, server } = w;
    const images = fake.addImages(1200, {
      serverId: server.id,
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'manual' },
    });
    fake.clearRequests();

    const first = await w.agent.get('/snapshots');
    expect(first.status).toBe(200);
    const listings = imageListings(fake);
    expect(listings).toHaveLength(24);
    for (const [i, l] of listings.entries()) {
      expect(l.query).toMatchObject({
        type: 'snapshot',
        sort: 'created:desc',
        per_page: '50',
        page: String(i + 1),
      });
    }
    expect(first.text.match(/<tr id="snapshot-/g)).toHaveLength(50);
    expect(visibleText(first.text)).toContain('1,200 snapshots');
    expect(visibleText(first.text)).toContain('Page 1 of 24 · Showing 1–50 of 1,200');
    expect(first.text).toContain('href="/snapshots?page&#x3D;2" rel="next"');
    expect(first.text).toContain(`id="snapshot-${images[1199].id}"`);

    const last = await w.agent.get('/snapshots?page=24');
    expect(last.text.match(/<tr id="snapshot-/g)).toHaveLength(50);
    expect(last.text).toContain(`id="snapshot-${images[0].id}"`);
    expect(last.text).toContain('href="/snapshots?page&#x3D;23" rel="prev"');
    expect(last.text).not.toContain('rel="next"');
    // Paging reads the cache: no further listing.
    expect(imageListings(fake)).toHaveLength(24);
    // A page number out of range shows the last page; nonsense shows the first.
    expect(visibleText((await w.agent.get('/snapshots?page=500')).text)).toContain('Page 24 of 24');
    expect(visibleText((await w.agent.get('/snapshots?page=x%3Cb%3E')).text)).toContain('Page 1 of 24');
  });

  it('asks Hetzner for the list at most every 30 seconds, shares one refresh between concurrent views, and again when marked stale', async () => {
    // The clock jumps 6 hours below: a session allowed to idle that long keeps the same admin signed in.
    w = await startSnapshotsWorld({ env: { SESSION_IDLE_MINUTES: '720', SESSION_MAX_HOURS: '24' } });
    const { fake, server, clock } = w;
    fake.addImages(3, { serverId: server.id });
    fake.clearRequests();

    // Five views at once on a cold cache: one listing, one server lookup, one price list.
    await Promise.all(Array.from({ length: 5 }, () => w.agent.get('/snapshots')));
    expect(imageListings(fake)).toHaveLength(1);
    expect(requestsTo(fake, 'GET', `/v1/servers/${server.id}`)).toBe(1);
    expect(requestsTo(fake, 'GET', '/v1/pricing')).toBe(1);

    for (let i = 0; i < 10; i++) {
      clock.advance(2_000);
      await w.agent.get('/snapshots');
    }
    expect(imageListings(fake)).toHaveLength(1);

    clock.advance(10_001);
    const later = await w.agent.get('/snapshots');
    expect(imageListings(fake)).toHaveLength(2);
    expect(visibleText(later.text)).toContain('(just now)');
    await w.agent.get('/snapshots');
    expect(imageListings(fake)).toHaveLength(2);

    // Someone else (the scheduler, a CLI command) changed snapshots and marked the list stale.
    await w.panel.get<SnapshotListingService>(SnapshotListingService).markStale(server.id);
    await w.agent.get('/snapshots');
    expect(imageListings(fake)).toHaveLength(3);

    // Prices and the server are not fetched again for hours.
    expect(requestsTo(fake, 'GET', '/v1/pricing')).toBe(1);
    clock.advance(6 * HOUR);
    await w.agent.get('/snapshots');
    expect(requestsTo(fake, 'GET', '/v1/pricing')).toBe(2);
  });

  it('shows the empty state with a button to take the first snapshot', async () => {
    w = await startSnapshotsWorld();
    const res = await w.agent.get('/snapshots');
    const text = visibleText(res.text);
    expect(text).toContain('No snapshots of this server yet');
    expect(res.text).toMatch(
      /<form method="post" action="\/snapshots"[^>]*>[\s\S]*Take the first snapshot now/,
    );
    expect(res.text).toContain('<label for="f-description">Description (optional)</label>');
    expect(res.text).not.toContain('http-equiv="refresh"');
  });

  it('without a token, sends the admin to Settings and asks Hetzner nothing', async () => {
    w = await startSnapshotsWorld({ token: 'none' });
    w.fake.clearRequests();
    const res = await w.agent.get('/snapshots');
    expect(res.status).toBe(200);
    expect(visibleText(res.text)).toContain('Connect the panel to Hetzner Cloud');
    expect(res.text).toContain(
      '<a class="button button-primary" href="/settings">Paste a token in Settings</a>',
    );
    expect(w.fake.requests.filter((r) => r.path.startsWith('/v1/'))).toEqual([]);
  });

  it('works with the token from HCLOUD_TOKEN too', async () => {
    w = await startSnapshotsWorld({ token: 'env' });
    const image = w.fake.addImage({ serverId: w.server.id, description: 'env token works' });
    const res = await w.agent.get('/snapshots');
    expect(rowText(res.text, image.id)).toContain('env token works');
  });

  it('off Hetzner, explains how to set HCLOUD_SERVER_ID', async () => {
    w = await startSnapshotsWorld();
    w.fake.setMetadata(null);
    w.fake.clearRequests();
    const res = await w.agent.get('/snapshots');
    expect(res.status).toBe(200);
    const text = visibleText(res.text);
    expect(text).toContain('Which server is this?');
    expect(text).toContain('not running on a Hetzner Cloud server');
    expect(text).toContain('HCLOUD_SERVER_ID=12345678');
    expect(imageListings(w.fake)).toHaveLength(0);
  });

  it('when Hetzner is unreachable, shows the last known list marked stale, with its time and the reason, and does not hammer the API', async () => {
    w = await startSnapshotsWorld();
    const { fake, server, clock } = w;
    const image = fake.addImage({ serverId: server.id, description: 'still here' });
    await w.agent.get('/snapshots');
    clock.advance(31_000);
    fake.failNext({
      method: 'GET',
      path: '/v1/images',
      status: 503,
      code: 'unavailable',
      message: 'service unavailable',
      times: 10,
    });
    fake.clearRequests();

    const res = await w.agent.get('/snapshots');
    expect(res.status).toBe(200);
    const text = visibleText(res.text);
    expect(res.text).toContain('data-stale="true"');
    expect(text).toMatch(
      /Showing the last known list, fetched at \d{1,2} \w{3} \d{4}, \d{2}:\d{2} CES?T \((just now|\d+ minutes? ago)\): it could not be refreshed/,
    );
    expect(text).toContain('The Hetzner Cloud API had a problem on its side (HTTP 503, unavailable)');
    expect(rowText(res.text, image.id)).toContain('still here');
    const attempts = imageListings(fake).length;
    expect(attempts).toBeGreaterThan(1); // the client retried a 503 with backoff

    // The next views within 30 s of the failure show the same, without asking again.
    await w.agent.get('/snapshots');
    await w.agent.get('/snapshots');
    expect(imageListings(fake)).toHaveLength(attempts);
  });

  it('when Hetzner hangs, the page waits at most its one 8 s budget for the list and the volumes together', async () => {
    w = await startSnapshotsWorld();
    const { fake, server, clock } = w;
    const image = fake.addImage({ serverId: server.id, description: 'still here' });
    fake.addVolume({ serverId: server.id, name: 'data' });
    fake.addVolume({ serverId: server.id, name: 'logs' });
    expect((await w.agent.get('/snapshots')).text).toContain('data-not-covered="volumes"');
    // The list is due again, and so are the volumes (read at most every 30 minutes).
    clock.advance(31 * 60_000);
    fake.failNext({ method: 'GET', path: '/v1/images', hang: true, times: 20 });
    fake.failNext({ method: 'GET', path: /^\/v1\/volumes\//, hang: true, times: 20 });

    const started = performance.now();
    const res = await w.agent.get('/snapshots');
    // 5 s per request (the interactive deadline): the list and two volumes one after another took 15 s.
    expect(performance.now() - started).toBeLessThan(11_000);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-stale="true"');
    expect(rowText(res.text, image.id)).toContain('still here');
  });

  it('when the token is rejected, says so and points to Settings, keeping the last list', async () => {
    w = await startSnapshotsWorld();
    const { fake, server, clock } = w;
    const image = fake.addImage({ serverId: server.id, description: 'known' });
    await w.agent.get('/snapshots');
    clock.advance(31_000);
    fake.failNext({
      method: 'GET',
      path: '/v1/images',
      status: 401,
      code: 'unauthorized',
      message: 'unable to authenticate',
    });
    const res = await w.agent.get('/snapshots');
    const text = visibleText(res.text);
    expect(text).toContain('The API token was rejected as invalid or unknown');
    expect(res.text).toContain('<a href="/settings">Check the token in Settings</a>');
    expect(rowText(res.text, image.id)).toContain('known');
  });

  it('when the very first listing fails (rate limited), says why and offers to try again', async () => {
    w = await startSnapshotsWorld();
    w.fake.failNext({
      method: 'GET',
      path: '/v1/images',
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'limit reached',
      times: 10,
    });
    const res = await w.agent.get('/snapshots');
    const text = visibleText(res.text);
    expect(text).toContain('The snapshot list could not be fetched');
    expect(text).toContain('request budget');
    expect(res.text).toContain('<a class="button button-primary" href="/snapshots">Try again</a>');
    expect(text).not.toContain('No snapshots of this server yet');
  });

  it('uses the retention policy saved in Settings, as the pruner does', async () => {
    w = await startSnapshotsWorld();
    const { fake, server } = w;
    await w.panel.rt.dataSource
      .getRepository(PanelSettings)
      .update({ id: 1 }, { retentionDays: 2, keepMin: 1 });
    const newest = fake.addImage({
      serverId: server.id,
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto' },
      created: ago(fake, HOUR),
    });
    const middle = fake.addImage({
      serverId: server.id,
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto' },
      created: ago(fake, DAY),
    });
    const old = fake.addImage({
      serverId: server.id,
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto' },
      created: ago(fake, 3 * DAY),
    });
    const res = await w.agent.get('/snapshots');
    expect(rowText(res.text, newest.id)).toContain('kept: among the newest 1');
    expect(rowText(res.text, middle.id)).toMatch(/kept until /);
    expect(rowText(res.text, old.id)).toContain('removed at the next prune');
  });

  it('shows the schedule: paused with the reason, or the next three runs', async () => {
    w = await startSnapshotsWorld({ role: 'cli' });
    w.fake.addImage({ serverId: w.server.id });
    let text = visibleText((await w.agent.get('/snapshots')).text);
    expect(text).toContain('Automatic snapshots Automatic snapshots are off. Turn them on in Settings.');
    expect(text).toContain('Last successful automatic snapshot: none yet.');

    await w.panel.rt.dataSource
      .getRepository(PanelSettings)
      .update({ id: 1 }, { scheduleEnabled: true, frequency: 'daily@03:30' });
    const html = (await w.agent.get('/snapshots')).text;
    text = visibleText(html);
    expect(text).toContain('daily at 03:30, in Europe/Berlin. Next runs:');
    expect(html.match(/<ul class="next-runs">([\s\S]*?)<\/ul>/)![1].match(/<li>/g)).toHaveLength(3);
    expect(text).toMatch(/\d{1,2} \w{3} \d{4}, 03:30 CES?T \((in \d+ (minutes?|hours?)|just now)\)/);
    expect(html).toContain('<a href="/history">See the history</a>');
  });

  it('is closed to anyone not signed in', async () => {
    w = await startSnapshotsWorld();
    const res = await w.panel.anonymous().get('/snapshots');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fsnapshots');
  });
});
