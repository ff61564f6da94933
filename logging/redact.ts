/**
 * The redaction rules every product logger applies (gateway, worker, SDK, processes). Two layers:
 *
 * 1. By key, at any depth: a field whose name says it holds a secret or personal data (tokens,
 *    secrets, passwords, cookies, session ids, emails, names, phone numbers, addresses, message
 *    texts, bodies) is replaced by `[redacted]`, whatever its value. Names are compared without
 *    case, `_` or `-`, so `accessToken`, `access_token` and `AccessToken` are one rule.
 * 2. By value, on the finished JSON line: email addresses, `Bearer`/`Basic` credentials, URL
 *    credentials (`postgres://user:password@…`),
 *    sensitive query parameters (`?token=`, `code=`, `state=` …), `"access_token": "…"`-style
 *    pairs inside free text, and Webex-style access tokens are masked wherever they occur, in
 *    messages and error stacks included.
 *
 * Layer 2 cannot recognise a bare name or phone number inside a sentence; that is what layer 1 and
 * the rule "never log an event payload or a message text" are for (the log-scanning tests check
 * both with real customer-shaped data).
 */

export const REDACTED = '[redacted]';

/** Field names (normalised: lower case, no `_` or `-`) whose values are never logged. */
export const SENSITIVE_KEYS: ReadonlySet<string> = new Set(
  [
    // credentials and sessions
    'accessToken',
    'refreshToken',
    'idToken',
    'token',
    'tokens',
    'taskToken',
    'secret',
    'webhookSecret',
    'previousSecret',
    'clientSecret',
    'password',
    'passwd',
    'authorization',
    'proxyAuthorization',
    'cookie',
    'setCookie',
    'session',
    'sessionId',
    'orgSessionId',
    'partnerSessionId',
    'renewedPartnerSessionId',
    'csrf',
    'csrfToken',
    'xCsrfToken',
    'apiKey',
    'apiKeys',
    'gatewayApiKeys',
    'devKey',
    'appKey',
    'codeVerifier',
    'stateNonce',
    'encryptionKey',
    'payloadEncryptionKey',
    'privateKey',
    'codecAuthToken',
    'databaseUrl',
    // personal data (Billsby's CustomerDetails, BILL users, Webex people)
    'email',
    'emails',
    'firstName',
    'lastName',
    'name',
    'displayName',
    'fullName',
    'nickName',
    'phone',
    'phoneNumber',
    'phoneNumbers',
    'mobile',
    'address',
    'billingAddress',
    'addressLine1',
    'addressLine2',
    'postcode',
    'zip',
    'zipCode',
    'dateOfBirth',
    'accountNumber',
    'routingNumber',
    // whole payloads and message texts (they hold all of the above)
    'body',
    'payload',
    'payloads',
    'text',
    'markdown',
    'headers',
    'customerDetails',
    'oldDetails',
    'newDetails',
  ].map(normaliseKey),
);

export function normaliseKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(normaliseKey(key));
}

/**
 * The text rules. Each runs in time linear in its input, whatever the input: an anonymous client
 * chooses what reaches a log line (an unmatched path, a header echoed in an error), and a rule that
 * backtracks quadratically stalls the whole process on one long line. So every repetition is
 * bounded where a failed match backtracks (each start position then costs at most a fixed amount),
 * the two rules whose bounded part is long start only where a run of its characters starts (the
 * lookbehinds), and a value after a literal key (`Bearer `, `token=`) is taken whole: nothing
 * follows it in the pattern, so it never backtracks and is never cut short. test/unit/logging-redaction.test.ts
 * scrubs a megabyte of each rule's worst case. Email addresses have their own scanner
 * ({@link maskEmails}), applied right after the first rule.
 */
export const TEXT_RULES: readonly (readonly [RegExp, string])[] = [
  // Credentials in URLs: postgres://user:password@host (before the email rule sees `password@host`).
  [
    /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@"'\\]{1,256}:[^/\s@"'\\]{1,256}@/gi,
    `$1${REDACTED}@`,
  ],
  // Authorization header values in free text.
  [/\b(Bearer|Basic)\s{1,16}[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Query and form parameters that carry credentials (ui-links, OAuth start links and callbacks).
  [
    /([?&;](?:token|access_token|refresh_token|id_token|code|state|client_secret|secret|password|session|session_id|sessionId|api_key|apikey|key|code_verifier|code_challenge)=)[^&#\s"'\\]*/gi,
    `$1${REDACTED}`,
  ],
  // "access_token": "…", refreshToken=…, password: … inside messages (e.g. an echoed response body).
  [
    /((?:access_?token|refresh_?token|id_?token|client_?secret|password|webhook_?secret|session_?id|api_?key)\\?"?\s{0,16}[:=]\s{0,16}\\?"?)[^"\\&,\s}]+/gi,
    `$1${REDACTED}`,
  ],
  // Webex access and refresh tokens: <base64>_<cluster>_<org uuid> (the simulator's too).
  [
    /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,512}_[A-Z0-9]{2,6}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    '[token]',
  ],
];

/** Masks credentials and email addresses inside free text (also safe on a JSON line: no quotes are introduced). */
export function scrubText(text: string): string {
  // URL credentials first, so the email scanner never sees `password@host`.
  let out = text.replace(TEXT_RULES[0][0], TEXT_RULES[0][1]);
  out = maskEmails(out);
  for (const [pattern, replacement] of TEXT_RULES.slice(1)) out = out.replace(pattern, replacement);
  return out;
}

const isLocalPartChar = (code: number) =>
  (code >= 48 && code <= 57) || // 0-9
  (code >= 65 && code <= 90) || // A-Z
  (code >= 97 && code <= 122) || // a-z
  code === 46 || // .
  code === 95 || // _
  code === 37 || // %
  code === 43 || // +
  code === 45; // -
/** What follows the `@` of an address (RFC 5321 sizes: a label ≤ 63, a few labels, a TLD). */
const EMAIL_DOMAIN = /[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/y;

/**
 * Email addresses → `[email]`. Found from each `@` outwards (a local part of at most 64
 * characters before it, a domain after it) rather than by a pattern tried at every position,
 * which costs 64 steps per character on a long run of letters.
 */
export function maskEmails(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > from && at - start < 64 && isLocalPartChar(text.charCodeAt(start - 1))) start--;
    if (start === at) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    if (!EMAIL_DOMAIN.exec(text)) continue;
    out += `${text.slice(from, start)}[email]`;
    from = EMAIL_DOMAIN.lastIndex;
    at = from - 1;
  }
  return out + text.slice(from);
}

/** Longest string value logged whole; a longer one (a caller's text, a huge stack) is cut, and says so. */
export const MAX_LOGGED_STRING = 16 * 1024;

function capped(text: string): string {
  return text.length > MAX_LOGGED_STRING
    ? `${text.slice(0, MAX_LOGGED_STRING)}[… ${text.length - MAX_LOGGED_STRING} more characters]`
    : text;
}

const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

/** An error as it may be logged: its kind, code and scrubbed message and stack; never its other fields. */
export interface SafeError {
  type: string;
  message: string;
  code?: string | number;
  failureType?: string;
  stack?: string;
  cause?: SafeError;
}

export function safeError(err: Error, depth = 0): SafeError {
  const out: SafeError = { type: err.name || 'Error', message: scrubText(capped(String(err.message ?? ''))) };
  const { code, type } = err as { code?: unknown; type?: unknown };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  // Temporal's ApplicationFailure carries the connector's kind (Webex.unauthorized …) as `type`.
  if (typeof type === 'string') out.failureType = type;
  if (err.stack) out.stack = scrubText(capped(err.stack));
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < 3) out.cause = safeError(cause, depth + 1);
  return out;
}

/**
 * A copy of `value` that is safe to log: sensitive keys redacted at any depth, errors reduced to
 * {@link SafeError}, class instances (sockets, requests, buffers) summarised, strings scrubbed.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(capped(value));
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (value instanceof Error) return safeError(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((item) => redactValue(item, depth + 1, seen));
      if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
      return items;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) {
      // Requests, replies, sockets, maps: never walked (they hold headers, bodies and cookies).
      return `[${(value as object).constructor?.name ?? 'object'}]`;
    }
    return redactObject(value as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(value);
  }
}

export function redactObject(
  obj: Record<string, unknown>,
  depth = 0,
  seen = new WeakSet<object>(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(obj)) {
    if (item === undefined) continue;
    out[key] = isSensitiveKey(key) ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return out;
}
