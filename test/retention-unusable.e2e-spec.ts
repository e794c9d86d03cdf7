// Stored retention tiers the panel cannot use (issue 12): every reader gets the same verdict from the settings
// store, so the page, every page's banner, doctor and the pruner all say so and nothing is deleted; a save of an
// unrelated field (CLI or form) leaves the stored text exactly as it was; replacing it is audited with what it was.
import type TestAgent from 'supertest/lib/agent';
import { csrfFrom, PanelHarness } from './support/panel-harness';
import {
  addAutoSnapshots,
  cli,
  requestsOf,
  SchedulerWorld,
  startSchedulerPanel,
  startWorld,
} from './support/scheduler-fixtures';
import { scheduleForm } from './support/settings-forms';

/** Cut off mid-write: every parser the panel had read this as "no tiers" on the settings page. */
const UNUSABLE = '{"hourly":24,"daily":7,';

describe('unusable stored retention tiers (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;
  let agent: TestAgent;
  let env: Record<string, string>;

  beforeAll(async () => {
    world = await startWorld({ actionDurationMs: 200 });
    panel = await startSchedulerPanel(world);
    agent = await panel.signedIn();
    env = { ...world.env, DATA_DIR: panel.dataDir };
    // Old enough that days + newest K alone would delete them.
    addAutoSnapshots(world, [1, 2, 3, 20, 21, 30]);
    await panel.rt.dataSource.query(`UPDATE "panel_settings" SET "retention_tiers" = ? WHERE "id" = 1`, [
      UNUSABLE,
    ]);
  });

  afterAll(async () => {
    await panel?.close();
    await world?.fake.close();
  });

  async function stored(): Promise<{ keepMin: number; tiers: string | null }> {
    const [row]: { keep_min: number; retention_tiers: string | null }[] = await panel.rt.dataSource.query(
      'SELECT keep_min, retention_tiers FROM panel_settings WHERE id = 1',
    );
    return { keepMin: row.keep_min, tiers: row.retention_tiers };
  }

  async function lastAudit(): Promise<{ action: string; changes: unknown }> {
    const [row]: { action: string; changes: string }[] = await panel.rt.dataSource.query(
      'SELECT action, changes FROM audit_entries ORDER BY id DESC LIMIT 1',
    );
    return { action: row.action, changes: JSON.parse(row.changes) };
  }

  async function postSchedule(fields: Record<string, string>) {
    const csrf = await csrfFrom(agent, '/settings');
    return agent
      .post('/settings/schedule')
      .type('form')
      .send({ _csrf: csrf, intent: 'save', ...fields });
  }

  it('the settings page names what is stored and that retention keeps everything; "leave as stored" is chosen', async () => {
    const page = await agent.get('/settings');
    expect(page.status).toBe(200);
    const alert = /<div class="alert alert-error" role="alert" id="retention-problem">(.*?)<\/div>/s.exec(
      page.text,
    );
    expect(alert?.[1]).toContain('Retention keeps every snapshot until this is fixed');
    expect(alert?.[1]).toContain('are not readable JSON');
    expect(alert?.[1]).toContain('<code>{&quot;hourly&quot;:24,&quot;daily&quot;:7,</code>');
    expect(page.text).toMatch(/<input type="radio" name="tiersEnabled" value="stored" checked>/);
    expect(page.text).not.toMatch(/name="tiersEnabled" value="false" checked/);
  });

  it('every page carries the warning', async () => {
    const page = await agent.get('/history');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Retention keeps every snapshot until this is fixed');
  });

  it('doctor fails the retention check with the reason', async () => {
    const doctor = await cli(['doctor'], env);
    expect(doctor.code).toBe(1);
    const line = doctor.stdout.split('\n').find((l) => /^\S+ +retention /.test(l));
    expect(line).toMatch(
      /^FAIL +retention +Retention deletes nothing until this is fixed: the stored retention tiers/,
    );
  });

  it('the pruner deletes nothing and says why', async () => {
    world.fake.clearRequests();
    const pruned = await cli(['prune'], env);
    expect(`${pruned.stdout}${pruned.stderr}`).toContain(
      `Nothing was deleted: the stored retention tiers (${UNUSABLE}) are not readable JSON`,
    );
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(0);
  });

  it('`schedule set --keep-min 4` changes keep-min only: the stored tiers stay as they were', async () => {
    const set = await cli(['schedule', 'set', '--keep-min', '4'], env);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(await stored()).toEqual({ keepMin: 4, tiers: UNUSABLE });
    expect(await lastAudit()).toEqual({
      action: 'schedule.updated',
      changes: [{ field: 'keepMin', from: '3', to: '4' }],
    });
  });

  it('Save on the form as the page renders it changes only what was edited', async () => {
    const res = await postSchedule(scheduleForm({ keepMin: '5', tiersEnabled: 'stored' }));
    expect(res.status).toBe(303);
    expect(await stored()).toEqual({ keepMin: 5, tiers: UNUSABLE });
    expect(await lastAudit()).toEqual({
      action: 'schedule.updated',
      changes: [{ field: 'keepMin', from: '4', to: '5' }],
    });
  });

  it('replacing the unusable tiers is audited with what was stored and what replaced it', async () => {
    const res = await postSchedule(scheduleForm({ keepMin: '5', tiersEnabled: 'true' }));
    expect(res.status).toBe(303);
    expect(await stored()).toEqual({
      keepMin: 5,
      tiers: '{"hourly":24,"daily":7,"weekly":4,"monthly":6}',
    });
    expect(await lastAudit()).toEqual({
      action: 'schedule.updated',
      changes: [
        {
          field: 'retentionTiers',
          from: `unusable: ${UNUSABLE}`,
          to: 'hourly=24,daily=7,weekly=4,monthly=6',
        },
      ],
    });
    const page = await agent.get('/settings');
    expect(page.text).not.toContain('id="retention-problem"');
    expect(page.text).not.toContain('value="stored"');
  });
});
