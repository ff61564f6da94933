/** Small response model shared by routes and fault injection (node:http, no framework). */
import type { IncomingMessage } from 'node:http';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** `http://host:port` as the client addressed us; used for absolute Link URLs. */
  origin: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as-is (with headers['content-type'] or JSON type); anything else is JSON-encoded. */
  body?: unknown;
}

export const JSON_TYPE = 'application/json;charset=UTF-8';

let trackingSeq = 0;
export function nextTrackingId(): string {
  trackingSeq += 1;
  return `ROUTER_SIM-${String(trackingSeq).padStart(8, '0')}`;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body };
}

/** The gateway error shape: `{message, errors:[{description}], trackingId}`. */
export function webexError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  return json(status, { message, errors: [{ description: message }], trackingId: nextTrackingId() }, headers);
}

/** Token-endpoint error: both documented shapes merged, so clients must cope with either. */
export function oauthError(status: number, error: string, description: string): SimResponse {
  return json(status, {
    error,
    error_description: description,
    message: description,
    errors: [{ description }],
    trackingId: nextTrackingId(),
  });
}

export const MESSAGES = {
  unauthorized: 'The request requires a valid access token set in the Authorization request header.',
  roomNotFound: 'Could not find a room with provided ID.',
  notFound: 'The requested resource could not be found.',
  tooLong:
    'Unable to post message to room: Message length limited to 7439 characters before encryption and 10000 characters after encryption.',
  rateLimited:
    'The user has sent too many requests in a given amount of time. Please refer to the Retry-After response header to wait before making a new request.',
  badRequest: 'The request could not be understood by the server due to malformed syntax.',
  server: 'The server encountered an internal error.',
  badGateway:
    'The server received an invalid response from an upstream server while processing the request. Try again later.',
  unavailable: 'Server is overloaded with requests. Try again later.',
  gatewayTimeout:
    'An upstream server failed to respond on time. If your query uses max parameter, please try to reduce it.',
};

export function defaultMessageForStatus(status: number): string {
  if (status === 502) return MESSAGES.badGateway;
  if (status === 503) return MESSAGES.unavailable;
  if (status === 504) return MESSAGES.gatewayTimeout;
  if (status >= 500) return MESSAGES.server;
  if (status === 401) return MESSAGES.unauthorized;
  if (status === 404) return MESSAGES.notFound;
  if (status === 429) return MESSAGES.rateLimited;
  return MESSAGES.badRequest;
}

export function parseJsonBody(
  req: SimRequest,
): { ok: true; value: Record<string, unknown> } | { ok: false; res: SimResponse } {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().includes('application/json')) {
    return {
      ok: false,
      res: webexError(415, `Content type '${type.split(';')[0] || 'none'}' not supported`),
    };
  }
  try {
    const value: unknown = JSON.parse(req.rawBody);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
  } catch {
    // fall through to the 400 below
  }
  return { ok: false, res: webexError(400, MESSAGES.badRequest) };
}
