/**
 * What a person's browser does in the Webex connect flow, for scripts (the demo, benchmarks,
 * tests): it keeps cookies per origin and follows no redirect on its own, so each hop can be
 * shown or checked. The gateway binds an OAuth attempt to the browser that opened its link, so
 * the whole flow must run in one ScriptBrowser.
 */

export interface BrowserReply {
  status: number;
  location: string | null;
  text: string;
}

export class ScriptBrowser {
  /** origin → cookie name → value (paths ignored: a script talks to one gateway). */
  private readonly jar = new Map<string, Map<string, string>>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<BrowserReply> {
    const { origin } = new URL(url);
    const cookies = this.jar.get(origin);
    const headers: Record<string, string> = {};
    if (cookies && cookies.size > 0) {
      headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = origin;
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    this.remember(origin, res.headers.getSetCookie());
    const location = res.headers.get('location');
    return {
      status: res.status,
      location: location ? new URL(location, url).toString() : null,
      text: await res.text(),
    };
  }

  /**
   * What a person does with a single-use link: open it and, on the gateway's confirm page (which
   * names the account), press its button. Returns the button's answer (a redirect), or the GET's
   * own answer when it showed no confirm page (an expired or unknown link).
   */
  async open(url: string): Promise<BrowserReply> {
    const page = await this.request(url);
    const form = page.status === 200 ? confirmForm(page.text) : null;
    if (!form) return page;
    return this.request(new URL(form.action, url).toString(), { form: form.fields });
  }

  /** The cookie's value for this origin, if the browser holds it. */
  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).origin)?.get(name);
  }

  private remember(origin: string, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const cookies = this.jar.get(origin) ?? new Map<string, string>();
      this.jar.set(origin, cookies);
      const expired = attributes.some((a) => {
        const [key, val] = a.split('=').map((part) => part.trim().toLowerCase());
        return (
          (key === 'max-age' && Number(val) <= 0) ||
          (key === 'expires' && Date.parse(val ?? '') <= Date.now())
        );
      });
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  }
}

/** The `data-confirm` form of a gateway confirm page: where it posts and its hidden fields. */
export function confirmForm(html: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form method="post" action="([^"]*)" data-confirm>([\s\S]*?)<\/form>/.exec(html);
  if (!form) return null;
  const unescape = (v: string) =>
    v.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[input[1]!] = unescape(input[2]!);
  return { action: unescape(form[1]!), fields };
}

export interface ConnectFlow {
  /** The connect API's answer. */
  connect: { status: number; body: unknown };
  /** The gateway's start link the connect answered (`authorizeUrl`). */
  startUrl: string;
  /** Where the start link sent the browser: Webex's authorize page. */
  webexAuthorizeUrl: string;
  /** Where Webex sent the browser back: our callback, with code or error. */
  callbackUrl: string;
  callback: BrowserReply;
  /** Where the callback sent the browser (the control page, with the outcome), or null. */
  landing: string | null;
}

/**
 * Connect through the API with `apiKey`, then Integrate as the installing user's browser:
 * start link → its confirm page's button → Webex authorize (the Webex simulator approves or declines) → our callback.
 */
export async function connectThroughBrowser(opts: {
  gatewayUrl: string;
  apiKey: string;
  accountId: string;
  replace?: boolean;
  browser?: ScriptBrowser;
}): Promise<ConnectFlow> {
  const browser = opts.browser ?? new ScriptBrowser();
  const res = await fetch(
    `${opts.gatewayUrl}/api/accounts/${encodeURIComponent(opts.accountId)}/webex/connect`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(opts.replace ? { replace: true } : {}),
      signal: AbortSignal.timeout(60_000),
    },
  );
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the error below
  }
  if (res.status !== 200) throw new Error(`connect answered ${res.status}: ${text.slice(0, 300)}`);
  const startUrl = (body as { authorizeUrl: string }).authorizeUrl;
  const start = await browser.open(startUrl);
  if (start.status !== 303 || !start.location)
    throw new Error(`the start link answered ${start.status}: ${start.text}`);
  const authorize = await browser.request(start.location);
  if (authorize.status !== 302 || !authorize.location) {
    throw new Error(`Webex authorize answered ${authorize.status}: ${authorize.text.slice(0, 300)}`);
  }
  const callback = await browser.request(authorize.location);
  return {
    connect: { status: res.status, body },
    startUrl,
    webexAuthorizeUrl: start.location,
    callbackUrl: authorize.location,
    callback,
    landing: callback.location,
  };
}
