import { presentAudit, presentScheduleForm, presentToken } from './settings.presenter';

describe('settings presenter', () => {
  it('shows a token only as its mask', () => {
    const view = presentToken(
      {
        source: 'settings',
        undecryptable: false,
        last4: 'abcd',
        savedAt: new Date('2026-01-15T02:30:00Z'),
        checkedAt: null,
        checkResult: 'read_only',
      },
      'UTC',
      new Date('2026-01-20T02:30:00Z'),
    );
    expect(view).toMatchObject({
      stored: true,
      fromEnvironment: false,
      mask: '••••••••abcd',
      checkLabel: 'read-only',
      checkBadge: 'badge-danger',
      checkedAt: null,
    });
    expect(view.savedAt).toEqual({ iso: '2026-01-15T02:30:00.000Z', text: 'Thu, 15 Jan 2026, 02:30 UTC' });
  });

  it.each([
    // [stored check result, undecryptable, days since saved] → label, age, rotation due
    ['read_write', false, 10, 'Read & Write', 'saved 10 days ago', false],
    ['read_write', false, 90, 'Read & Write', 'saved 90 days ago', false],
    ['read_write', false, 91, 'Read & Write', 'saved 91 days ago', true],
    // The key changed: the old "Read & Write" result must not be shown any more.
    ['read_write', true, 10, 'cannot be decrypted', 'saved 10 days ago', false],
  ] as const)('token %s, undecryptable %s, %s days old', (result, undecryptable, days, label, age, due) => {
    const now = new Date('2026-06-01T12:00:00Z');
    const view = presentToken(
      {
        source: 'settings',
        undecryptable,
        last4: 'abcd',
        savedAt: new Date(now.getTime() - days * 86_400_000),
        checkedAt: null,
        checkResult: result,
      },
      'UTC',
      now,
    );
    expect(view).toMatchObject({ checkLabel: label, age, rotationDue: due, undecryptable });
  });

  it('marks the chosen options and lists errors of fields the form does not have', () => {
    const view = presentScheduleForm(
      { enabled: 'true', frequencyKind: 'weekly', weeklyDay: 'FRI', everyHours: '8', tiersEnabled: 'true' },
      { colour: 'is not a field of this form', keepMin: 'x' },
    );
    expect(view).toMatchObject({
      enabledOn: true,
      enabledOff: false,
      kindWeekly: true,
      kindHours: false,
      tiersOn: true,
      hasErrors: true,
      otherErrors: ['colour: is not a field of this form'],
    });
    expect(view.dayOptions.filter((o) => o.selected).map((o) => o.value)).toEqual(['fri']);
    expect(view.hourOptions.filter((o) => o.selected).map((o) => o.label)).toEqual(['every 8 hours']);
  });

  it('names who changed what', () => {
    const [cli, admin] = presentAudit(
      [
        {
          id: 2,
          at: new Date('2026-01-15T02:30:00Z'),
          actor: 'cli',
          action: 'schedule.updated',
          changes: [{ field: 'frequency', from: '6h', to: 'weekly@fri@22:05' }],
        },
        {
          id: 1,
          at: new Date('2026-01-14T02:30:00Z'),
          actor: 'admin:alice',
          action: 'token.replaced',
          changes: [{ field: 'token', from: '…abcd', to: '…wxyz' }],
        },
      ],
      'UTC',
    );
    expect(cli).toMatchObject({
      who: 'command line',
      what: 'Schedule and retention changed',
      changes: [{ field: 'Frequency', from: 'every 6 hours', to: 'weekly on Friday at 22:05' }],
    });
    expect(admin).toMatchObject({
      who: 'alice',
      what: 'API token replaced',
      changes: [{ field: 'API token', from: '…abcd', to: '…wxyz' }],
    });
  });
});
