import { Writable } from 'node:stream';
import { print, terminalSafe, terminalSafeStream } from './cli-io';

describe('terminalSafe: no text from elsewhere drives the terminal', () => {
  test.each([
    ['plain text', 'nightly snapshot', 'nightly snapshot'],
    ['the CLI’s own newlines and tabs', 'a\tb\nc', 'a\tb\nc'],
    ['an escape sequence (clear screen)', 'evil\u001b[2Jtitle', 'evil\uFFFD[2Jtitle'],
    ['an OSC title change', '\u001b]0;pwned\u0007', '\uFFFD]0;pwned\uFFFD'],
    ['a carriage return that overwrites the line', 'ok\rFAIL', 'ok\uFFFDFAIL'],
    ['a C1 control (CSI)', 'x\u009b2Jy', 'x\uFFFD2Jy'],
    ['DEL and NUL', 'a\u007fb\u0000c', 'a\uFFFDb\uFFFDc'],
    ['a bidi override', 'abc\u202Etxt.exe', 'abc\uFFFDtxt.exe'],
    ['a zero-width space', 'be\u200Bfore', 'be\uFFFDfore'],
    ['letters of any script, symbols and emoji', 'Überstunden → €5 ✓ 日本', 'Überstunden → €5 ✓ 日本'],
  ])('%s', (_case, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });
});

describe('the output edge', () => {
  function sink(): { stream: Writable; text: () => string } {
    const chunks: string[] = [];
    const stream = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
    return { stream, text: () => chunks.join('') };
  }

  test('print makes the text safe and ends it with one newline', () => {
    const out = sink();
    print(out.stream, 'Hetzner said: \u001b[31mred');
    expect(out.text()).toBe('Hetzner said: \uFFFD[31mred\n');
  });

  test('a wrapped stream makes even a direct write safe, Buffers split inside a character included', () => {
    const out = sink();
    const safe = terminalSafeStream(out.stream);
    const bytes = Buffer.from('é\u001b[2J\n', 'utf8');
    safe.write(bytes.subarray(0, 1));
    safe.write(bytes.subarray(1));
    safe.write('x\u0007y\n');
    expect(out.text()).toBe('é\uFFFD[2J\nx\uFFFDy\n');
  });
});
