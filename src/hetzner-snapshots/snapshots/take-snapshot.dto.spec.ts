import { validateForm } from '../../forms/form-validation';
import { defaultDescription } from './snapshot-description';
import { TakeSnapshotDto } from './take-snapshot.dto';

describe('TakeSnapshotDto', () => {
  it.each([
    ['nothing', {}],
    ['an empty description', { description: '' }],
    ['plain words', { description: 'before upgrading PHP' }],
    ['any script, symbols and emoji', { description: 'Vor dem Update – “Größe” 日本 😀 <b>&' }],
    ['exactly 100 characters', { description: 'x'.repeat(100) }],
    ['a request key', { requestKey: 'abcdefghijklmnop_-123' }],
  ])('accepts %s', (_name, body) => {
    expect(validateForm(TakeSnapshotDto, body).ok).toBe(true);
  });

  it('trims the description', () => {
    const form = validateForm(TakeSnapshotDto, { description: '  padded  ' });
    expect(form.ok && form.value.description).toBe('padded');
  });

  it.each([
    ['101 characters', { description: 'x'.repeat(101) }, 'description', 'Use at most 100 characters.'],
    ['a line break', { description: 'two\nlines' }, 'description', 'no line breaks'],
    ['a tab', { description: 'a\tb' }, 'description', 'no line breaks'],
    ['a bidi override', { description: 'abc\u202Edef' }, 'description', 'invisible characters'],
    ['a NUL byte', { description: 'a\u0000b' }, 'description', 'no line breaks'],
    ['a repeated field', { description: ['a', 'b'] }, 'description', 'single value'],
    ['an unknown field', { description: 'ok', labels: 'x' }, 'labels', 'not a field'],
    ['a malformed request key', { requestKey: '<script>' }, 'requestKey', 'reload the page'],
  ])('refuses %s', (_name, body, field, message) => {
    const form = validateForm(TakeSnapshotDto, body);
    expect(form.ok).toBe(false);
    if (!form.ok) expect(form.errors[field]).toContain(message);
  });
});

describe('defaultDescription', () => {
  it('names the server and the UTC time, like the scheduler does for automatic ones', () => {
    expect(defaultDescription('web-1', 42, new Date('2026-11-22T14:05:00.123Z'))).toBe(
      'web-1 manual 2026-11-22T14:05:00Z',
    );
    expect(defaultDescription(null, 42, new Date('2026-11-22T14:05:00Z'))).toBe(
      'server 42 manual 2026-11-22T14:05:00Z',
    );
  });
});
