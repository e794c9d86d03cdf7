import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { validateForm } from './form-validation';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

// Decorators in the order the panel's DTOs use them, where class-validator lists the lowest one first.
class ExampleDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'Enter a name.' })
  @MaxLength(10, { message: 'Too long.' })
  name!: string;

  @IsString()
  @MinLength(12, { message: 'At least 12.' })
  @MaxLength(20, { message: 'At most 20.' })
  password!: string;

  @Transform(trim)
  @IsString()
  @Matches(/^[a-z]+$/, { message: 'Letters only.' })
  code!: string;

  @IsOptional()
  @IsString({ message: 'Must be text.' })
  @Matches(/^[^\d]*$/, { message: 'No digits.' })
  note?: string;

  @IsIn(['a', 'b'], { message: 'Choose a or b.' })
  choice!: string;
}

const good = { name: 'ok', password: 'long enough pw', code: 'abc', choice: 'a' };

describe('validateForm: one message per field, the one that helps', () => {
  it.each([
    ['a missing field says "enter", not "too long"', { ...good, name: undefined }, 'name', 'Enter a name.'],
    ['a blank field says "enter"', { ...good, name: '   ' }, 'name', 'Enter a name.'],
    [
      'a missing password says "at least", not "at most"',
      { ...good, password: undefined },
      'password',
      'At least 12.',
    ],
    ['a long value says "too long"', { ...good, name: 'x'.repeat(11) }, 'name', 'Too long.'],
    ['a number where text belongs says so', { ...good, note: 42 }, 'note', 'Must be text.'],
    ['a default message never wins over a written one', { ...good, code: 42 }, 'code', 'Letters only.'],
    ['a wrong text value keeps the DTO’s own order', { ...good, note: 'a1' }, 'note', 'No digits.'],
    ['an unknown field is named', { ...good, admin: 'yes' }, 'admin', 'is not a field of this form'],
    ['a repeated field is one error', { ...good, choice: ['a', 'b'] }, 'choice', 'must be a single value'],
    ['a choice not offered', { ...good, choice: 'c' }, 'choice', 'Choose a or b.'],
  ])('%s', (_case, body, field, message) => {
    const result = validateForm(ExampleDto, body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toBe(message);
  });

  it('accepts a good form, without the CSRF field, and keeps no password or token for display', () => {
    const result = validateForm(ExampleDto, { ...good, _csrf: 'x' });
    expect(result).toEqual({ ok: true, value: expect.objectContaining(good) });
    const refused = validateForm(ExampleDto, { ...good, name: '', password: 'short' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.values).toEqual({ name: '', code: 'abc', choice: 'a' });
  });
});
