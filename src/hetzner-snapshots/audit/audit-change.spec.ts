import { adminActor, describeAuditEntry, parseAuditChanges } from './audit-change';

describe('audit changes', () => {
  it('reads stored changes back, skipping anything malformed', () => {
    expect(
      parseAuditChanges(
        '[{"field":"keepMin","from":"3","to":"5"},{"nope":1},{"field":"token","from":null,"to":"…abcd"}]',
      ),
    ).toEqual([
      { field: 'keepMin', from: '3', to: '5' },
      { field: 'token', from: null, to: '…abcd' },
    ]);
    expect(parseAuditChanges('not json')).toEqual([]);
    expect(parseAuditChanges('{"field":"x"}')).toEqual([]);
  });

  it('describes entries in plain words', () => {
    expect(describeAuditEntry('token.removed', [{ field: 'token', from: '…abcd', to: null }])).toEqual({
      action: 'API token removed, automatic snapshots paused',
      changes: [{ field: 'API token', from: '…abcd', to: '(none)' }],
    });
    expect(
      describeAuditEntry('schedule.updated', [{ field: 'frequency', from: 'cron:0 3 * * *', to: 'garbage' }])
        .changes,
    ).toEqual([{ field: 'Frequency', from: 'custom: 0 3 * * *', to: 'garbage' }]);
    expect(describeAuditEntry('something.new', []).action).toBe('something.new');
  });

  it('names an admin actor', () => {
    expect(adminActor('alice')).toBe('admin:alice');
  });
});
