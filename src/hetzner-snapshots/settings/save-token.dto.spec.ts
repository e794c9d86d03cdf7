import { validateForm } from '../../forms/form-validation';
import { SaveTokenDto } from './save-token.dto';

describe('SaveTokenDto', () => {
  it('trims a pasted token', () => {
    expect(validateForm(SaveTokenDto, { token: '  abcDEF123456\n' })).toEqual({
      ok: true,
      value: { token: 'abcDEF123456' },
    });
  });

  it.each([
    [undefined, 'Paste the API token.'],
    ['', 'Paste the API token.'],
    ['   ', 'Paste the API token.'],
    ['two words', 'An API token is one word of letters and digits, without spaces; paste just the token.'],
    ['ä-token', 'An API token is one word of letters and digits, without spaces; paste just the token.'],
    ['x'.repeat(513), 'That is longer than any Hetzner API token; paste just the token.'],
  ])('refuses %j without repeating it', (token, message) => {
    const result = validateForm(SaveTokenDto, { token });
    expect(result).toEqual({ ok: false, errors: { token: message }, values: {} });
  });
});
