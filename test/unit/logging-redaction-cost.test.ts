import { performance } from 'node:perf_hooks';
import { maskEmails, MAX_LOGGED_STRING, redactValue, scrubText, TEXT_RULES } from '../../logging/redact';

/**
 * Issue 23, finding 1: every log line goes through the text rules, and an anonymous caller chooses
 * part of what reaches a line. A rule that backtracks quadratically let one 16 KB request path
 * stall the gateway for seconds (the token rule took 1.9 s on `a_AA_` repeated). Each rule must
 * stay linear on its worst inputs: a megabyte of each is scrubbed well under 50 ms.
 */

const MB = 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

/** Inputs that made the rules (as they were) backtrack: long runs of what each rule's start takes. */
const ADVERSARIAL: Record<string, string> = {
  'token run with underscores': fill('a_AA_'),
  'token run, no uuid': fill('aaaaaaaaaaaaaaaaaaaa_AB_0123abcd-'),
  'dotted run (email, URL scheme)': fill('a.'),
  'letters only': fill('a'),
  'at signs and dots': fill('a@a.'),
  'URL credentials without @': fill('x://a:'),
  'colons after a scheme': `x://a${fill(':a')}`,
  'key words without values': fill('password '),
  'bearer words': fill('Bearer '),
};

/** The fastest of three runs: the machine's noise only ever adds. */
function bestMs(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('the log redaction rules cost linear time', () => {
  for (const [name, input] of Object.entries(ADVERSARIAL)) {
    it(`1 MB of ${name}: each rule under 50 ms`, () => {
      const rules: [string, (text: string) => string][] = [
        ...TEXT_RULES.map(
          ([pattern]) =>
            [String(pattern).slice(0, 40), (t: string) => t.replace(pattern, '')] as [
              string,
              (text: string) => string,
            ],
        ),
        ['maskEmails', maskEmails],
      ];
      const slow = rules
        .map(([rule, scrub]) => ({ rule, ms: bestMs(() => scrub(input)) }))
        .filter((r) => r.ms >= 50);
      expect(slow).toEqual([]);
    });
  }

  it('a logged string value is cut at MAX_LOGGED_STRING and says how much was left out', () => {
    const long = 'x'.repeat(MAX_LOGGED_STRING + 10);
    expect(redactValue(long)).toBe(`${'x'.repeat(MAX_LOGGED_STRING)}[… 10 more characters]`);
    expect(redactValue('short')).toBe('short');
  });

  it('the bounded rules still mask what they masked', () => {
    expect(scrubText('mail madeline.parsons@example.co.uk now')).toBe('mail [email] now');
    expect(scrubText('a@b.io,c@d.io x@y @z.com w@v.c')).toBe('[email],[email] x@y @z.com w@v.c');
    expect(scrubText(`${'k'.repeat(100)}bob@example.com`)).toBe(`${'k'.repeat(39)}[email]`);
    expect(scrubText('postgres://temporal:s3cret@db:5432/x')).toBe('postgres://[redacted]@db:5432/x');
    expect(scrubText('x ZDI3MGEyYzQtNmFlNS00NDNhLWFiNWQt_PF84_1eb65fdf-9643-417f-9974-ad72cae0e10f y')).toBe(
      'x [token] y',
    );
    expect(scrubText(`Bearer ${'k'.repeat(5000)} next`)).toBe('Bearer [redacted] next');
    expect(scrubText(`/x?token=${'t'.repeat(5000)}&a=1`)).toBe('/x?token=[redacted]&a=1');
  });
});
