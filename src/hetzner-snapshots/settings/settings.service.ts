// Owns the admin's settings for this server: the schedule and retention here, the API token in
// TokenSettingsService (checked against Hetzner before it is stored, kept encrypted, replaced or removed), whose
// calls it hands on. The settings page and the CLI both call this service, so both run the same validation,
// write the same audit entries and emit the same event.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import { FieldErrors, FormResult, validateForm } from '../../forms/form-validation';
import { AuditActor, AuditChange } from '../audit/audit-change';
import { AuditRecord, AuditService } from '../audit/audit.service';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import { EventEmitter2 } from '@nestjs/event-emitter';
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
import { emitSettingsChanged } from './settings.events';
import { retentionProblemMessage } from './retention-problem.wording';
import {
  type ClearTokenResult,
  type SaveTokenResult,
  type TokenCheckReport,
  TokenSettingsService,
  type TokenStatus,
} from './token-settings.service';
import { ScheduleFormValues, UpdateScheduleDto } from './update-schedule.dto';

// The token part is TokenSettingsService's; its names stay importable from here.
export { ENVIRONMENT_TOKEN_MESSAGE } from './token-settings.service';
export type {
  ClearTokenResult,
  SaveTokenResult,
  TokenCheckReport,
  TokenStatus,
} from './token-settings.service';

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
export class SettingsService implements OnModuleInit {
  constructor(
    private readonly settings: PanelSettingsStore,
    private readonly tokens: TokenSettingsService,
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

  // ---- token (TokenSettingsService's) --------------------------------------------------------------------

  tokenStatus(): Promise<TokenStatus> {
    return this.tokens.tokenStatus();
  }

  tokenNotices(): Promise<Banner[]> {
    return this.tokens.tokenNotices();
  }

  saveToken(raw: unknown, actor: AuditActor): Promise<SaveTokenResult> {
    return this.tokens.saveToken(raw, actor);
  }

  recheckToken(): Promise<TokenCheckReport> {
    return this.tokens.recheckToken();
  }

  clearToken(actor: AuditActor): Promise<ClearTokenResult> {
    return this.tokens.clearToken(actor);
  }

  // ---- schedule and retention ----------------------------------------------------------------------------
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
    if (changes.length > 0)
      emitSettingsChanged(
        this.events,
        changes.map((c) => c.field),
      );
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
