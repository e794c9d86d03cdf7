// Owns the admin's settings for this server: the API token (checked against Hetzner before it is stored,
// kept encrypted, replaced or removed) and the schedule and retention. The settings page and the CLI both
// call this service, so both run the same validation, write the same audit entries and emit the same event.
import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, Clock } from '../../clock/clock';
import { FieldErrors, FormResult, validateForm } from '../../forms/form-validation';
import { registerSecret } from '../../logging/line.logger';
import { AuditActor, AuditChange } from '../audit/audit-change';
import { AuditRecord, AuditService } from '../audit/audit.service';
import {
  HetznerConnectionService,
  NotOnHetznerError,
  NoTokenError,
} from '../connection/hetzner-connection.service';
import { TokenDecryptionError, TokenVault } from '../connection/token.vault';
import { describeHcloudError } from '../hcloud';
import type { HetznerSnapshotsBanner as Banner } from '../status/layout-contribution';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { PanelLayoutContributor } from '../status/panel-layout.contributor';
import { describeRetention } from '../retention/retention.describe';
import { describeFrequency, nextRuns, runsPerDay, toCronExpression } from '../schedule/snapshot-schedule';
import { spreadOffsetMinutes } from '../schedule/schedule-spread';
import type { RetentionPolicyReading } from '../retention/retention-policy.parse';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { PanelSettingsSnapshot, PanelSettingsStore } from './panel-settings.store';
import { averageSnapshotSizeGb } from '../snapshots/retention-preview';
import { SaveTokenDto } from './save-token.dto';
import {
  diffSchedule,
  formToSchedule,
  KEEP_STORED_TIERS,
  readSavedSchedule,
  rowToSchedule,
  SavedSchedule,
  ScheduleColumns,
  scheduleToColumns,
  ScheduleSettings,
} from './schedule-settings.form';
import { SETTINGS_CHANGED_EVENT, SettingsChangedEvent } from './settings.events';
import { describeTokenCheck, lastFour, TokenCheckKind, TokenCheckOutcome } from './token-check.wording';
import { retentionProblemMessage } from './retention-problem.wording';
import { tokenNotices, undecryptableTokenMessage } from './token-health';
import { ScheduleFormValues, UpdateScheduleDto } from './update-schedule.dto';

/** Stored check results; the others (no server id, no token) say nothing about the stored token. */
const STORED_RESULTS = new Set<TokenCheckKind>([
  'read_write',
  'read_only',
  'unauthorized',
  'wrong_project',
  'unreachable',
]);

export const ENVIRONMENT_TOKEN_MESSAGE =
  'The API token comes from the environment (HCLOUD_TOKEN) and wins over a stored one. To change it, change HCLOUD_TOKEN where the panel is started and restart it.';

export interface TokenStatus {
  source: 'environment' | 'settings' | 'none';
  /** A token is stored but the current key cannot decrypt it (the ciphertext is kept for the old key). */
  undecryptable: boolean;
  last4: string | null;
  savedAt: Date | null;
  checkedAt: Date | null;
  checkResult: string | null;
}

export type SaveTokenResult =
  | { ok: true; replaced: boolean; last4: string; message: string }
  | { ok: false; kind: TokenCheckKind | 'invalid' | 'environment'; message: string };

export interface TokenCheckReport {
  outcome: TokenCheckOutcome;
  ok: boolean;
  message: string;
  source: TokenStatus['source'];
}

export type ClearTokenResult =
  { ok: true; removed: boolean; paused: boolean } | { ok: false; message: string };

/** A schedule in words and times, for the page (saved or previewed) and `schedule show`. */
export interface ScheduleSummary {
  description: string;
  /** What the scheduler runs, after the per-server spread of "every N hours" presets. */
  cronExpression: string;
  nextRuns: Date[];
  timeZone: string;
  retention: string;
}

export type UpdateScheduleResult =
  | { ok: true; changes: AuditChange[] }
  | { ok: false; reason: 'invalid' | 'no_token'; errors: FieldErrors; values: Record<string, unknown> };

export type PreviewScheduleResult =
  | { ok: true; schedule: ScheduleSettings; summary: ScheduleSummary }
  | { ok: false; errors: FieldErrors; values: Record<string, unknown> };

@Injectable()
export class SettingsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new PluginLogger('Settings');

  constructor(
    private readonly settings: PanelSettingsStore,
    private readonly vault: TokenVault,
    private readonly snapshotList: SnapshotListStore,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly connection: HetznerConnectionService,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
    private readonly layout: PanelLayoutContributor,
  ) {}

  onModuleInit(): void {
    this.layout.addBannerSource(async () => [
      ...(await this.tokenNotices()),
      ...(await this.retentionNotices()),
    ]);
  }

  /** A key generated over a stored ciphertext is said at start, not discovered later. The ciphertext stays. */
  async onApplicationBootstrap(): Promise<void> {
    const status = await this.tokenStatus().catch(() => null);
    if (status?.undecryptable)
      this.logger.warn(
        undecryptableTokenMessage({
          last4: status.last4,
          keyCreated: this.options.tokenEncryptionKeyCreated === true,
        }),
      );
  }

  // ---- token ---------------------------------------------------------------------------------------------

  async tokenStatus(): Promise<TokenStatus> {
    const envToken = this.options.hcloud.envToken;
    if (envToken)
      return {
        source: 'environment',
        undecryptable: false,
        last4: lastFour(envToken),
        savedAt: null,
        checkedAt: null,
        checkResult: null,
      };
    const stored = (await this.settings.read()).token;
    if (!stored)
      return {
        source: 'none',
        undecryptable: false,
        last4: null,
        savedAt: null,
        checkedAt: null,
        checkResult: null,
      };
    return {
      source: 'settings',
      undecryptable: !this.vault.opens(stored.sealed),
      last4: stored.last4,
      savedAt: stored.savedAt,
      checkedAt: stored.checkedAt,
      checkResult: stored.checkResult,
    };
  }

  /** What every page warns about the token: undecryptable, or old enough to replace. Database only. */
  async tokenNotices(): Promise<Banner[]> {
    const status = await this.tokenStatus();
    const href = pagePath(this.options.routePrefix, '/settings#token');
    return tokenNotices({
      ...status,
      now: this.clock.now(),
      keyCreated: this.options.tokenEncryptionKeyCreated === true,
    }).map((n) => ({ ...n, href, linkText: 'Open Settings' }));
  }

  /** What every page says while the stored retention cannot be used: nothing is deleted until it is fixed. */
  async retentionNotices(): Promise<Banner[]> {
    const { retention } = await this.settings.read();
    if (retention.kind === 'usable') return [];
    return [
      {
        kind: 'error',
        message: retentionProblemMessage(retention),
        href: pagePath(this.options.routePrefix, '/settings#schedule'),
        linkText: 'Open Settings',
      },
    ];
  }

  /** Checks a pasted token against this server and stores it, encrypted, only when it may read and write. */
  async saveToken(raw: unknown, actor: AuditActor): Promise<SaveTokenResult> {
    const form = validateForm(SaveTokenDto, { token: raw });
    if (!form.ok) return { ok: false, kind: 'invalid', message: form.errors.token ?? 'Paste the API token.' };
    const token = form.value.token;
    registerSecret(token);
    if (this.options.hcloud.envToken)
      return { ok: false, kind: 'environment', message: ENVIRONMENT_TOKEN_MESSAGE };

    const { outcome, serverId } = await this.check(token);
    if (outcome.kind !== 'read_write')
      return {
        ok: false,
        kind: outcome.kind,
        message: `${describeTokenCheck(outcome, serverId)} Nothing was saved.`,
      };

    const now = this.clock.now();
    const last4 = lastFour(token);
    const before = await this.settings.saveToken({ sealed: this.vault.seal(token), last4, at: now }, (b) => ({
      actor,
      action: b.token ? 'token.replaced' : 'token.saved',
      changes: [{ field: 'token', from: b.token ? `…${b.token.last4 ?? ''}` : null, to: `…${last4}` }],
    }));
    const replaced = before.hasToken;
    this.emitChanged(['token']);
    return {
      ok: true,
      replaced,
      last4,
      message: `${replaced ? 'Token replaced' : 'Token saved'}: ${describeTokenCheck(outcome, serverId)}`,
    };
  }

  /** Checks the token in effect again; a stored token's result and time are remembered for the page. */
  async recheckToken(): Promise<TokenCheckReport> {
    const status = await this.tokenStatus();
    const { outcome, serverId } = await this.check();
    if (status.source === 'settings' && STORED_RESULTS.has(outcome.kind)) {
      const now = this.clock.now();
      // Not a settings change: no audit entry and no event, only what the page shows as "last checked".
      await this.settings.recordTokenCheck(now, outcome.kind);
    }
    return {
      outcome,
      ok: outcome.kind === 'read_write',
      message: describeTokenCheck(outcome, serverId),
      source: status.source,
    };
  }

  /** Forgets the stored token and pauses automatic snapshots; snapshots at Hetzner are not touched. */
  async clearToken(actor: AuditActor): Promise<ClearTokenResult> {
    if (this.options.hcloud.envToken) return { ok: false, message: ENVIRONMENT_TOKEN_MESSAGE };
    const before = await this.settings.clearToken(this.clock.now(), (b) => {
      const changes: AuditChange[] = [{ field: 'token', from: `…${b.token?.last4 ?? ''}`, to: null }];
      if (b.scheduleEnabled) changes.push({ field: 'scheduleEnabled', from: 'on', to: 'off' });
      return { actor, action: 'token.removed', changes };
    });
    const removed = before.hasToken;
    const paused = removed && before.scheduleEnabled;
    if (removed) this.emitChanged(paused ? ['token', 'scheduleEnabled'] : ['token']);
    return { ok: true, removed, paused };
  }

  private async check(token?: string): Promise<{ outcome: TokenCheckOutcome; serverId: number | null }> {
    let serverId: number;
    try {
      serverId = await this.connection.serverId();
    } catch (err) {
      if (err instanceof NotOnHetznerError)
        return { outcome: { kind: 'not_on_hetzner', reason: err.message }, serverId: null };
      throw err;
    }
    try {
      // One client per check; without a token argument it is the token in effect (HCLOUD_TOKEN or the stored one).
      const client = await this.connection.client(
        token ? { token, interactive: true } : { interactive: true },
      );
      return { outcome: await client.checkToken(serverId), serverId };
    } catch (err) {
      if (err instanceof NoTokenError) return { outcome: { kind: 'no_token' }, serverId };
      if (err instanceof TokenDecryptionError)
        return { outcome: { kind: 'undecryptable', reason: err.message }, serverId };
      return { outcome: { kind: 'unreachable', reason: describeHcloudError(err) }, serverId };
    }
  }

  // ---- schedule and retention ----------------------------------------------------------------------------

  async schedule(): Promise<ScheduleSettings> {
    return rowToSchedule(scheduleColumnsOf(await this.settings.read()));
  }

  /** The saved schedule, or why it cannot run (a row saved before a validation rule existed): never throws for that. */
  async savedSchedule(): Promise<SavedSchedule> {
    return readSavedSchedule(scheduleColumnsOf(await this.settings.read()));
  }

  /** The store's verdict on the saved retention: the page shows an alert while it is unusable. */
  async retention(): Promise<RetentionPolicyReading> {
    return (await this.settings.read()).retention;
  }

  /** The saved schedule as the form's fields: what the page shows and what CLI flags are laid over. */
  async scheduleForm(): Promise<ScheduleFormValues> {
    return (await this.savedSchedule()).form;
  }

  /** Validates like a save and describes the result, storing nothing. */
  async previewSchedule(values: unknown): Promise<PreviewScheduleResult> {
    const form = this.validateSchedule(values);
    if (!form.ok) return { ok: false, errors: form.errors, values: form.values };
    const schedule = formToSchedule(form.value);
    return { ok: true, schedule, summary: await this.summarize(schedule) };
  }

  async updateSchedule(values: unknown, actor: AuditActor): Promise<UpdateScheduleResult> {
    const form = this.validateSchedule(values);
    if (!form.ok) return { ok: false, reason: 'invalid', errors: form.errors, values: form.values };
    const schedule = formToSchedule(form.value);
    const displayValues = { ...(values as Record<string, unknown>) };

    let refused = false;
    let changes: AuditChange[] = [];
    await this.settings.saveSchedule(this.clock.now(), (before) => {
      // Tiers left "as stored" are written back exactly as they are: a save of other fields never resets them.
      const next = scheduleToColumns(schedule, before.storedTiers);
      if (
        next.scheduleEnabled &&
        !before.scheduleEnabled &&
        !this.options.hcloud.envToken &&
        !before.hasToken
      ) {
        refused = true;
        return null;
      }
      changes = diffSchedule(scheduleColumnsOf(before), next);
      if (changes.length === 0) return null;
      return { write: next, audit: { actor, action: 'schedule.updated', changes } };
    });
    if (refused) {
      const message =
        'Automatic snapshots need a Hetzner API token: save a Read & Write token first (Settings → API token, or "snapshot-panel token set"). Nothing was saved.';
      return { ok: false, reason: 'no_token', errors: { enabled: message }, values: displayValues };
    }
    if (changes.length > 0) this.emitChanged(changes.map((c) => c.field));
    return { ok: true, changes };
  }

  private validateSchedule(values: unknown): FormResult<UpdateScheduleDto> {
    return validateForm(UpdateScheduleDto, values);
  }

  /** Next runs in the server's time zone and the retention policy in words. */
  async summarize(schedule: ScheduleSettings): Promise<ScheduleSummary> {
    const timeZone = this.options.timeZone;
    const cronExpression = toCronExpression(schedule.frequency, await this.spreadOffsetMinutes(schedule));
    const runs = nextRuns(cronExpression, { timeZone, from: this.clock.now(), count: 3 });
    let retention: string;
    if (schedule.tiers === KEEP_STORED_TIERS) {
      const stored = await this.retention();
      retention =
        stored.kind === 'unusable' ? retentionProblemMessage(stored) : 'The tiered policy stays as stored.';
    } else {
      const averageSizeGb = await this.averageSnapshotSizeGb();
      retention = describeRetention(
        { retentionDays: schedule.retentionDays, keepMin: schedule.keepMin, tiers: schedule.tiers },
        { runsPerDay: runsPerDay(schedule.frequency, timeZone), averageSizeGb: averageSizeGb ?? undefined },
      );
    }
    return {
      description: describeFrequency(schedule.frequency),
      cronExpression,
      nextRuns: runs,
      timeZone,
      retention,
    };
  }

  recentAudit(limit = 20): Promise<AuditRecord[]> {
    return this.audit.recent(limit);
  }

  /**
   * "Every N hours" starts at a minute derived from the server id when SCHEDULE_SPREAD_MINUTES is set, so the
   * times shown are the times the scheduler will use. Without a known server id the unspread times are shown.
   */
  private async spreadOffsetMinutes(schedule: ScheduleSettings): Promise<number> {
    const spreadMinutes = this.options.scheduleSpreadMinutes;
    if (schedule.frequency.kind !== 'hours' || spreadMinutes < 1) return 0;
    const serverId = await this.knownServerId();
    return spreadOffsetMinutes({ preset: schedule.frequency, serverId, spreadMinutes });
  }

  /** From the cached snapshot list (no API request): the average size of this server's snapshots, if any. */
  private async averageSnapshotSizeGb(): Promise<number | null> {
    const serverId = await this.knownServerId();
    if (serverId === null) return null;
    const cached = await this.snapshotList.read(serverId);
    if (!cached) return null;
    return averageSnapshotSizeGb(cached.images, serverId);
  }

  private async knownServerId(): Promise<number | null> {
    try {
      return await this.connection.serverId();
    } catch {
      return null;
    }
  }

  private emitChanged(fields: string[]): void {
    const event: SettingsChangedEvent = { fields };
    this.events.emit(SETTINGS_CHANGED_EVENT, event);
  }
}

/** The stored settings in the shape the form conversions read. */
function scheduleColumnsOf(s: PanelSettingsSnapshot): ScheduleColumns {
  return {
    scheduleEnabled: s.scheduleEnabled,
    frequency: s.frequency,
    retentionDays: s.retentionDays,
    keepMin: s.keepMin,
    retentionTiers: s.storedTiers,
  };
}
