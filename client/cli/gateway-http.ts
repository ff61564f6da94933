/**
 * The CLI's HTTP client for the gateway. connect/status/uninstall/send-event go through the
 * gateway's public API (DESIGN.md §4.2) rather than to Temporal directly, so a script exercises
 * exactly the path Billsby and the control page use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../config/env';
import { assertPrivate } from '../../temporal/keys';
import { LOCAL_API_KEY_FILE } from '../../gateway/auth/api-keys';
import { CommandFailed, str, UsageError } from './args';

export const GATEWAY_OPTION = { gateway: { type: 'string' as const } };

/** `--gateway URL`, else PUBLIC_BASE_URL (validated by loadConfig), without a trailing slash. */
export function gatewayBase(values: Record<string, string | boolean | undefined>): string {
  const flag = str(values.gateway);
  if (flag === undefined) return loadConfig().PUBLIC_BASE_URL;
  try {
    const url = new URL(flag);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new UsageError(`--gateway must be an http(s) URL`);
  }
  return flag.replace(/\/+$/, '');
}

/**
 * The key the CLI sends on `/api/*` (DESIGN.md §4.6): the first of GATEWAY_API_KEYS, else the
 * embedded default's key file that the gateway on this machine made. Never a command-line flag.
 */
export function cliApiKey(keyFile = LOCAL_API_KEY_FILE): string {
  const configured = loadConfig().GATEWAY_API_KEYS?.[0];
  if (configured) return configured;
  if (!existsSync(keyFile)) {
    throw new CommandFailed(
      `no gateway API key: set GATEWAY_API_KEYS to one of the gateway's keys, or start the gateway on this machine once (it creates ${keyFile})`,
    );
  }
  assertPrivate(keyFile, 'GATEWAY_API_KEYS');
  return readFileSync(keyFile, 'utf8').trim();
}

export interface GatewayAnswer {
  status: number;
  body: unknown;
  text: string;
}

export async function callGateway(
  base: string,
  path: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<GatewayAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (path.startsWith('/api/')) headers.authorization = `Bearer ${cliApiKey()}`;
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
  } catch (err) {
    // fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new CommandFailed(
      `could not reach the gateway at ${base} (${why}); is it running (npm start or npm run gateway)? ` +
        `Set PUBLIC_BASE_URL or pass --gateway URL to point elsewhere.`,
    );
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, say): keep the text for the error message.
  }
  return { status: res.status, body: parsed, text };
}

/** The gateway's `{error}` (and zod `issues`) as lines a person can act on. */
export function describeError(answer: GatewayAnswer): string {
  if (answer.status === 401 && /API key/.test(answer.text)) {
    return `gateway answered 401: the API key was refused; set GATEWAY_API_KEYS to one of the gateway's keys (GATEWAY_API_KEYS or its key file ${LOCAL_API_KEY_FILE})`;
  }
  const body = answer.body as { error?: unknown; issues?: unknown } | string;
  if (typeof body === 'object' && body !== null) {
    const lines = [`gateway answered ${answer.status}: ${String(body.error ?? 'error')}`];
    if (Array.isArray(body.issues)) lines.push(...body.issues.map((i) => `  - ${String(i)}`));
    return lines.join('\n');
  }
  return `gateway answered ${answer.status}: ${answer.text.slice(0, 300) || '(empty body)'}`;
}

/** Throws CommandFailed (exit 1) unless the status is 2xx. */
export function expectOk(answer: GatewayAnswer): void {
  if (answer.status < 200 || answer.status >= 300) throw new CommandFailed(describeError(answer));
}
