import { WebexApiError, isWebexApiError, nextLink, parseRetryAfterMs } from '../../connectors/webex';

describe('parseRetryAfterMs', () => {
  const policy = { defaultMs: 10_000, minMs: 1_000, maxMs: 3_600_000 };
  it.each([
    ['194', 194_000],
    [' 5 ', 5_000],
    ['1.5', 1_500],
    ['0', 1_000],
    [undefined, 10_000],
    ['', 10_000],
    ['rand(30),add(30)', 10_000],
    ['-5', 10_000],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 10_000],
    ['3600', 3_600_000],
    ['999999', 3_600_000],
  ])('%p → %p ms', (header, ms) => {
    expect(parseRetryAfterMs(header, policy)).toBe(ms);
  });
});

describe('nextLink', () => {
  it.each([
    [undefined, undefined],
    ['<https://x/v1/rooms?a=1>; rel="next"', 'https://x/v1/rooms?a=1'],
    ['<https://x/p1>; rel="prev", <https://x/p3>; rel="next"', 'https://x/p3'],
    ['<https://x/p3>; rel=next', 'https://x/p3'],
    ['<https://x/p1>; rel="first"', undefined],
    ['<https://x/p?a=1,2>; title="a;b"; rel="next prev"', 'https://x/p?a=1,2'],
  ])('%p → %p', (header, url) => {
    expect(nextLink(header)).toBe(url);
  });
});

describe('WebexApiError', () => {
  it('serialises to plain data without undefined keys', () => {
    const e = new WebexApiError({
      kind: 'rate_limited',
      message: 'm',
      retryable: true,
      retryAfterMs: 5,
      mayHaveBeenApplied: false,
      status: 429,
    });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      kind: 'rate_limited',
      message: 'm',
      retryable: true,
      retryAfterMs: 5,
      mayHaveBeenApplied: false,
      status: 429,
    });
    expect(e.name).toBe('WebexApiError');
    expect(e).toBeInstanceOf(Error);
    expect(isWebexApiError(e)).toBe(true);
    expect(isWebexApiError(new Error('x'))).toBe(false);
    expect(isWebexApiError({ kind: 'server' })).toBe(false);
  });
});
