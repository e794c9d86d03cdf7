/** The schedule & retention form as a browser posts it, with a new install's defaults, changed by `patch`. */
export function scheduleForm(patch: Record<string, string> = {}): Record<string, string> {
  return {
    enabled: 'false',
    frequencyKind: 'hours',
    everyHours: '6',
    dailyAt: '03:30',
    weeklyDay: 'mon',
    weeklyAt: '03:30',
    cron: '',
    retentionDays: '7',
    keepMin: '3',
    tiersEnabled: 'false',
    tierHourly: '24',
    tierDaily: '7',
    tierWeekly: '4',
    tierMonthly: '6',
    ...patch,
  };
}
