/**
 * Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Each API gets a policy, because
 * each behaves differently: Webex has sent garbage such as `rand(30),add(30)` (→ a default wait),
 * BILL's hourly limit has its own fallback (the next full hour), Billsby documents nothing.
 */
export interface RetryAfterPolicy {
  /** Used when the header is missing or unusable; none: the answer is `undefined` (the caller decides). */
  defaultMs?: number;
  /** Floor, so that `Retry-After: 0` does not turn into a hot retry loop. */
  minMs?: number;
  /** Cap for absurd values; values up to the cap are honoured as given. */
  maxMs?: number;
  /** Whether an HTTP-date is honoured; otherwise it counts as unusable. */
  httpDate?: boolean;
}

export function parseRetryAfterMs(
  header: unknown,
  policy: RetryAfterPolicy & { defaultMs: number },
  nowMs?: number,
): number;
export function parseRetryAfterMs(
  header: unknown,
  policy: RetryAfterPolicy,
  nowMs?: number,
): number | undefined;
export function parseRetryAfterMs(
  header: unknown,
  policy: RetryAfterPolicy,
  nowMs: number = Date.now(),
): number | undefined {
  const value = typeof header === 'string' ? header.trim() : '';
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Math.ceil(Number(value) * 1000);
  else if (policy.httpDate && value !== '') {
    const at = Date.parse(value);
    if (Number.isFinite(at)) ms = Math.max(0, at - nowMs);
  }
  ms ??= policy.defaultMs;
  if (ms === undefined) return undefined;
  return Math.min(policy.maxMs ?? Number.POSITIVE_INFINITY, Math.max(policy.minMs ?? 0, ms));
}
