// Conversions between the three shapes of the schedule and retention settings: the stored row, the typed
// settings the rest of the plugin reasons about, and the string fields of the form (and of the CLI, whose
// flags are merged into those fields so both go through UpdateScheduleDto). Pure.
import type { AuditChange } from '../audit/audit-change';
import type { RetentionTiers } from '../retention/retention.policy';
import { parseStoredTiers, serializeTiers } from '../retention/retention-policy.parse';
import {
  describeUnusableFrequency,
  formatFrequency,
  parseFrequency,
  type FrequencyPreset,
} from '../schedule/snapshot-schedule';
import type { ScheduleWrite } from './panel-settings.store';
import {
  FrequencyKind,
  ScheduleFormField,
  ScheduleFormValues,
  UpdateScheduleDto,
  WEEKDAY_KEYS,
} from './update-schedule.dto';

/**
 * The tiers field while the stored tiers cannot be used: "leave them as stored". A save of other fields then
 * writes them back untouched; only choosing on or off replaces them (and the audit entry shows what they were).
 */
export const KEEP_STORED_TIERS = 'stored';

export interface ScheduleSettings {
  enabled: boolean;
  frequency: FrequencyPreset;
  retentionDays: number;
  keepMin: number;
  tiers: RetentionTiers | null | typeof KEEP_STORED_TIERS;
}

/** The columns as PanelSettingsStore stores them (tiers as their stored text). */
export type ScheduleColumns = ScheduleWrite;

/** What the tier fields suggest while the tiered policy is off: a common grandfather-father-son start. */
export const SUGGESTED_TIERS: RetentionTiers = { hourly: 24, daily: 7, weekly: 4, monthly: 6 };
const TIER_KEYS = ['hourly', 'daily', 'weekly', 'monthly'] as const;
const DEFAULT_TIME = '03:30';

/** Throws ScheduleInputError when the stored frequency cannot be read (only this plugin writes the row). */
export function rowToSchedule(row: ScheduleColumns): ScheduleSettings {
  return {
    enabled: Boolean(row.scheduleEnabled),
    frequency: parseFrequency(row.frequency),
    retentionDays: row.retentionDays,
    keepMin: row.keepMin,
    tiers: storedTiersSetting(row.retentionTiers),
  };
}

/** The stored row read as settings, or, when its frequency no longer validates, why and the form to repair it. */
export type SavedSchedule =
  | { ok: true; schedule: ScheduleSettings; form: ScheduleFormValues }
  | { ok: false; frequency: string; problem: string; enabled: boolean; form: ScheduleFormValues };

export function readSavedSchedule(row: ScheduleColumns): SavedSchedule {
  try {
    const schedule = rowToSchedule(row);
    return { ok: true, schedule, form: scheduleToForm(schedule) };
  } catch (err) {
    // The rest of the row is still good: keep it, and show the unusable text where it was typed.
    const fallback = scheduleToForm(rowToSchedule({ ...row, frequency: `daily@${DEFAULT_TIME}` }));
    const cron = /^cron:(.*)$/is.exec(row.frequency ?? '');
    const form: ScheduleFormValues = cron
      ? { ...fallback, frequencyKind: 'cron', cron: cron[1].trim() }
      : fallback;
    return {
      ok: false,
      frequency: row.frequency,
      problem: describeUnusableFrequency(row.frequency, err),
      enabled: Boolean(row.scheduleEnabled),
      form,
    };
  }
}

/** `storedTiers`: the tiers text as stored, written back as it is when the tiers are KEEP_STORED_TIERS. */
export function scheduleToColumns(s: ScheduleSettings, storedTiers: string | null = null): ScheduleColumns {
  return {
    scheduleEnabled: s.enabled,
    frequency: formatFrequency(s.frequency),
    retentionDays: s.retentionDays,
    keepMin: s.keepMin,
    retentionTiers: s.tiers === KEEP_STORED_TIERS ? storedTiers : serializeTiers(s.tiers),
  };
}

/** The stored tiers as the setting: on with counts, off, or (unusable) "as stored"; never unusable → off. */
function storedTiersSetting(text: string | null): ScheduleSettings['tiers'] {
  const reading = parseStoredTiers(text);
  return reading.kind === 'usable' ? reading.tiers : KEEP_STORED_TIERS;
}

/** The stored tiers as the audit trail shows them: "hourly=24,…", "off", or what was stored when unusable. */
export function describeStoredTiers(text: string | null): string {
  const reading = parseStoredTiers(text);
  return reading.kind === 'usable' ? formatTiers(reading.tiers) : `unusable: ${reading.raw}`;
}

/** "hourly=24,daily=7,weekly=4,monthly=6" or "off": the CLI's --tiers syntax, also used in the audit trail. */
export function formatTiers(tiers: RetentionTiers | null | typeof KEEP_STORED_TIERS): string {
  if (tiers === KEEP_STORED_TIERS) return 'unusable as stored (retention deletes nothing)';
  return tiers ? TIER_KEYS.map((k) => `${k}=${tiers[k]}`).join(',') : 'off';
}

export function scheduleToForm(s: ScheduleSettings): ScheduleFormValues {
  const f = s.frequency;
  const tiers = s.tiers && s.tiers !== KEEP_STORED_TIERS ? s.tiers : SUGGESTED_TIERS;
  return {
    enabled: String(s.enabled),
    frequencyKind: f.kind,
    everyHours: f.kind === 'hours' ? String(f.every) : '6',
    dailyAt: f.kind === 'daily' ? f.at : DEFAULT_TIME,
    weeklyDay: f.kind === 'weekly' ? WEEKDAY_KEYS[(f.day + 6) % 7] : 'mon',
    weeklyAt: f.kind === 'weekly' ? f.at : DEFAULT_TIME,
    cron: f.kind === 'cron' ? f.expression : '',
    retentionDays: String(s.retentionDays),
    keepMin: String(s.keepMin),
    tiersEnabled: s.tiers === KEEP_STORED_TIERS ? KEEP_STORED_TIERS : String(s.tiers !== null),
    tierHourly: String(tiers.hourly),
    tierDaily: String(tiers.daily),
    tierWeekly: String(tiers.weekly),
    tierMonthly: String(tiers.monthly),
  };
}

/** After UpdateScheduleDto accepted the fields; parsing cannot fail then, as the DTO ran the same parser. */
export function formToSchedule(dto: UpdateScheduleDto): ScheduleSettings {
  const tiersOn = dto.tiersEnabled === 'true';
  const tiers: ScheduleSettings['tiers'] =
    dto.tiersEnabled === KEEP_STORED_TIERS
      ? KEEP_STORED_TIERS
      : tiersOn
        ? {
            hourly: dto.tierHourly ?? 0,
            daily: dto.tierDaily ?? 0,
            weekly: dto.tierWeekly ?? 0,
            monthly: dto.tierMonthly ?? 0,
          }
        : null;
  return {
    enabled: dto.enabled === 'true',
    frequency: parseFrequency(frequencyText(dto.frequencyKind, dto)),
    retentionDays: dto.retentionDays,
    keepMin: dto.keepMin,
    tiers,
  };
}

function frequencyText(kind: FrequencyKind, dto: UpdateScheduleDto): string {
  switch (kind) {
    case 'hours':
      return `${dto.everyHours}h`;
    case 'daily':
      return `daily@${dto.dailyAt}`;
    case 'weekly':
      return `weekly@${dto.weeklyDay}@${dto.weeklyAt}`;
    case 'cron':
      return `cron:${dto.cron}`;
  }
}

/** One audit change per column that differs, with the values as an admin reads them. */
export function diffSchedule(before: ScheduleColumns, after: ScheduleColumns): AuditChange[] {
  const shown: Record<keyof ScheduleColumns, (c: ScheduleColumns) => string | null> = {
    scheduleEnabled: (c) => (c.scheduleEnabled ? 'on' : 'off'),
    frequency: (c) => c.frequency,
    retentionDays: (c) => String(c.retentionDays),
    keepMin: (c) => String(c.keepMin),
    retentionTiers: (c) => describeStoredTiers(c.retentionTiers),
  };
  const changes: AuditChange[] = [];
  for (const field of Object.keys(shown) as (keyof ScheduleColumns)[]) {
    // Compared raw, recorded as shown.
    // Tiers are compared as read, unless one side is unusable: then any other text is a change.
    const same =
      field === 'scheduleEnabled' ||
      (field === 'retentionTiers' &&
        parseStoredTiers(before.retentionTiers).kind === 'usable' &&
        parseStoredTiers(after.retentionTiers).kind === 'usable')
        ? shown[field](before) === shown[field](after)
        : (before[field] ?? null) === (after[field] ?? null);
    if (!same) changes.push({ field, from: shown[field](before), to: shown[field](after) });
  }
  return changes;
}

// ---- CLI flags -------------------------------------------------------------------------------------------

/** `snapshot-panel schedule set` flags, each a value as typed; they are merged into the form fields. */
export const SCHEDULE_FLAG_NAMES = [
  'enabled',
  'frequency',
  'cron',
  'retention-days',
  'keep-min',
  'tiers',
] as const;
export type ScheduleFlag = (typeof SCHEDULE_FLAG_NAMES)[number];

/** Which flag a DTO field's message belongs to, so the CLI names what the admin typed. */
export const FIELD_TO_FLAG: Record<ScheduleFormField, ScheduleFlag> = {
  enabled: 'enabled',
  frequencyKind: 'frequency',
  everyHours: 'frequency',
  dailyAt: 'frequency',
  weeklyDay: 'frequency',
  weeklyAt: 'frequency',
  cron: 'cron',
  retentionDays: 'retention-days',
  keepMin: 'keep-min',
  tiersEnabled: 'tiers',
  tierHourly: 'tiers',
  tierDaily: 'tiers',
  tierWeekly: 'tiers',
  tierMonthly: 'tiers',
};

export type FlagMergeResult =
  { ok: true; values: ScheduleFormValues } | { ok: false; errors: Partial<Record<ScheduleFlag, string>> };

const FREQUENCY_SYNTAX =
  'Use 1h, 2h, 3h, 4h, 6h, 8h or 12h, daily@HH:MM (e.g. daily@03:30), weekly@DAY@HH:MM (e.g. weekly@mon@03:30), or --cron "EXPRESSION".';

/**
 * Lays the given flags over the current form values. Only the syntax of the flags is read here (which kind,
 * which parts); whether the parts are acceptable is UpdateScheduleDto's job, as for the form.
 */
export function mergeScheduleFlags(
  current: ScheduleFormValues,
  flags: Partial<Record<ScheduleFlag, string>>,
): FlagMergeResult {
  const values: ScheduleFormValues = { ...current };
  const errors: Partial<Record<ScheduleFlag, string>> = {};

  if (flags.enabled !== undefined) values.enabled = flags.enabled;

  if (flags.frequency !== undefined && flags.cron !== undefined) {
    errors.cron = 'Give either --frequency or --cron, not both.';
  } else if (flags.frequency !== undefined) {
    const text = flags.frequency.trim();
    const hours = /^(\d+)h$/i.exec(text);
    const daily = /^daily@(.*)$/i.exec(text);
    const weekly = /^weekly@([^@]*)@(.*)$/i.exec(text);
    const cron = /^cron:(.*)$/is.exec(text);
    if (hours) Object.assign(values, { frequencyKind: 'hours', everyHours: hours[1] });
    else if (daily) Object.assign(values, { frequencyKind: 'daily', dailyAt: daily[1] });
    else if (weekly)
      Object.assign(values, { frequencyKind: 'weekly', weeklyDay: weekly[1], weeklyAt: weekly[2] });
    else if (cron) Object.assign(values, { frequencyKind: 'cron', cron: cron[1] });
    else errors.frequency = `"${text}" is not a frequency. ${FREQUENCY_SYNTAX}`;
  } else if (flags.cron !== undefined) {
    Object.assign(values, { frequencyKind: 'cron', cron: flags.cron });
  }

  if (flags['retention-days'] !== undefined) values.retentionDays = flags['retention-days'];
  if (flags['keep-min'] !== undefined) values.keepMin = flags['keep-min'];

  if (flags.tiers !== undefined) {
    const merged = mergeTiers(flags.tiers);
    if (typeof merged === 'string') errors.tiers = merged;
    else Object.assign(values, merged);
  }

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

const TIERS_SYNTAX = 'Use for example hourly=24,daily=7,weekly=4,monthly=6 (tiers left out are 0), or off.';
const TIER_FIELDS: Record<(typeof TIER_KEYS)[number], ScheduleFormField> = {
  hourly: 'tierHourly',
  daily: 'tierDaily',
  weekly: 'tierWeekly',
  monthly: 'tierMonthly',
};

function mergeTiers(text: string): Partial<ScheduleFormValues> | string {
  const input = text.trim();
  if (input.toLowerCase() === 'off') return { tiersEnabled: 'false' };
  const out: Partial<ScheduleFormValues> = {
    tiersEnabled: 'true',
    tierHourly: '0',
    tierDaily: '0',
    tierWeekly: '0',
    tierMonthly: '0',
  };
  const seen = new Set<string>();
  for (const part of input.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\S*)\s*$/i.exec(part);
    const name = m?.[1].toLowerCase() as (typeof TIER_KEYS)[number] | undefined;
    if (!m || !name || !(TIER_KEYS as readonly string[]).includes(name))
      return `"${part.trim()}" is not a tier. ${TIERS_SYNTAX}`;
    if (seen.has(name)) return `${name} is given twice. ${TIERS_SYNTAX}`;
    seen.add(name);
    out[TIER_FIELDS[name]] = m[2];
  }
  return out;
}
