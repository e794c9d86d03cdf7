import { parseRetentionPolicy, parseStoredTiers, serializeTiers } from './retention-policy.parse';

const columns = (
  retentionTiers: string | null,
  more: { retentionDays?: unknown; keepMin?: unknown } = {},
) => ({
  retentionDays: 7,
  keepMin: 3,
  retentionTiers,
  ...more,
});

describe('parseRetentionPolicy', () => {
  const tiers = { hourly: 24, daily: 7, weekly: 4, monthly: 6 };

  it.each([
    ['NULL is the tiered policy off', null, null],
    ['empty text is the tiered policy off', '', null],
    ['the four tiers', JSON.stringify(tiers), tiers],
    [
      'zeros are whole numbers',
      '{"hourly":0,"daily":0,"weekly":0,"monthly":1}',
      { hourly: 0, daily: 0, weekly: 0, monthly: 1 },
    ],
  ])('usable: %s', (_name, text, expected) => {
    expect(parseRetentionPolicy(columns(text))).toEqual({
      kind: 'usable',
      policy: { retentionDays: 7, keepMin: 3, tiers: expected },
    });
  });

  it.each([
    ['not JSON', '{"hourly":', 'are not readable JSON'],
    ['JSON null', 'null', 'are not an object of tiers'],
    ['an array', '[24,7,4,6]', 'are not an object of tiers'],
    ['a number', '24', 'are not an object of tiers'],
    ['a tier missing', '{"hourly":24,"daily":7,"weekly":4}', 'lack the monthly tier'],
    ['a tier as text', '{"hourly":"24","daily":7,"weekly":4,"monthly":6}', 'give hourly as "24"'],
    ['a negative tier', '{"hourly":24,"daily":-1,"weekly":4,"monthly":6}', 'give daily as -1'],
    ['a fraction', '{"hourly":24,"daily":7,"weekly":4.5,"monthly":6}', 'give weekly as 4.5'],
    ['a null tier', '{"hourly":null,"daily":7,"weekly":4,"monthly":6}', 'give hourly as null'],
    [
      'an unknown tier',
      '{"hourly":24,"daily":7,"weekly":4,"monthly":6,"yearly":2}',
      'does not know (yearly)',
    ],
  ])('unusable tiers: %s', (_name, text, why) => {
    const reading = parseRetentionPolicy(columns(text));
    expect(reading).toMatchObject({ kind: 'unusable', field: 'retentionTiers', raw: text });
    expect(reading.kind === 'unusable' && reading.reason).toContain(why);
    expect(reading.kind === 'unusable' && reading.reason).toContain(`(${text})`);
  });

  it.each([
    ['retentionDays 0', { retentionDays: 0 }, 'retentionDays', '0'],
    ['retentionDays 400', { retentionDays: 400 }, 'retentionDays', '400'],
    ['keepMin 0', { keepMin: 0 }, 'keepMin', '0'],
    ['keepMin as text', { keepMin: 'three' }, 'keepMin', 'three'],
  ])('unusable numbers: %s', (_name, more, field, raw) => {
    expect(parseRetentionPolicy(columns(null, more))).toMatchObject({ kind: 'unusable', field, raw });
  });

  it('cuts a long stored value where it is shown', () => {
    const long = `{"hourly":"${'x'.repeat(500)}"}`;
    const reading = parseStoredTiers(long);
    expect(reading.kind === 'unusable' && reading.raw.length).toBe(201);
  });

  it('reads back exactly what it writes', () => {
    expect(parseStoredTiers(serializeTiers(tiers))).toEqual({ kind: 'usable', tiers });
    expect(serializeTiers(null)).toBeNull();
  });
});
