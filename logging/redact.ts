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

const TEXT_RULES: [RegExp, string][] = [
  // Credentials in URLs: postgres://user:password@host (before the email rule sees `password@host`).
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@"'\\]+:[^/\s@"'\\]+@/gi, `$1${REDACTED}@`],
  // Email addresses.
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'],
  // Authorization header values in free text.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // Query and form parameters that carry credentials (ui-links, OAuth start links and callbacks).
  [
    /([?&;](?:token|access_token|refresh_token|id_token|code|state|client_secret|secret|password|session|session_id|sessionId|api_key|apikey|key|code_verifier|code_challenge)=)[^&#\s"'\\]*/gi,
    `$1${REDACTED}`,
  ],
  // "access_token": "…", refreshToken=…, password: … inside messages (e.g. an echoed response body).
  [
    /((?:access_?token|refresh_?token|id_?token|client_?secret|password|webhook_?secret|session_?id|api_?key)\\?"?\s*[:=]\s*\\?"?)[^"\\&,\s}]+/gi,
    `$1${REDACTED}`,
  ],
  // Webex access and refresh tokens: <base64>_<cluster>_<org uuid> (the simulator's too).
  [
    /[A-Za-z0-9_-]{20,}_[A-Z0-9]{2,6}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    '[token]',
  ],
];

/** Masks credentials and email addresses inside free text (also safe on a JSON line: no quotes are introduced). */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
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
  const out: SafeError = { type: err.name || 'Error', message: scrubText(String(err.message ?? '')) };
  const { code, type } = err as { code?: unknown; type?: unknown };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  // Temporal's ApplicationFailure carries the connector's kind (Webex.unauthorized …) as `type`.
  if (typeof type === 'string') out.failureType = type;
  if (err.stack) out.stack = scrubText(err.stack);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < 3) out.cause = safeError(cause, depth + 1);
  return out;
}

/**
 * A copy of `value` that is safe to log: sensitive keys redacted at any depth, errors reduced to
 * {@link SafeError}, class instances (sockets, requests, buffers) summarised, strings scrubbed.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
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
