export interface Reply {
  status: number;
  location: string | null;
  body: unknown;
  text: string;
}

/** fetch as the demo's "browser" and scripts use it: JSON in and out, redirects not followed. */
export async function request(
  url: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, location: res.headers.get('location'), body, text };
}

/** Polls `read` until `done` holds; fails after `timeoutMs` naming `what` and the last value. */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `${what} did not happen within ${timeoutMs / 1000} s; last: ${JSON.stringify(value).slice(0, 500)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
