/** Shared set-up for the Billsby contract tests (not a test file itself). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BillsbyApiError, BillsbyClient, createBillsbyClient } from '../../connectors/billsby';
import type { BillsbySimulator } from '../../simulators/billsby';

export const NOW = Date.parse('2026-11-01T12:00:00.000Z');

export function clientFor(
  sim: BillsbySimulator,
  over: { apiKey?: string; companyDomain?: string; timeoutMs?: number; baseUrl?: string } = {},
): BillsbyClient {
  return createBillsbyClient({
    baseUrl: over.baseUrl ?? sim.baseUrl,
    apiKey: over.apiKey ?? sim.control.dataset.apiKey,
    companyDomain: over.companyDomain ?? sim.control.dataset.companyDomain,
    timeoutMs: over.timeoutMs ?? 2000,
    now: () => NOW,
  });
}

export async function rejection(p: Promise<unknown>): Promise<BillsbyApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BillsbyApiError);
    return err as BillsbyApiError;
  }
  throw new Error('expected a rejection');
}

export interface ReceivedWebhook {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body as received. */
  raw: string;
  body: Record<string, unknown>;
  /** Whatever `onRequest` returned for this request (e.g. a REST read made while handling it). */
  seen?: unknown;
}

/** A loopback receiver standing in for the product's webhook route. */
export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status the next requests get (default 202). */
  status: number;
  /** Runs while the request is open, before the answer: what Billsby's data looks like then. */
  onRequest?: (body: Record<string, unknown>) => Promise<unknown>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = {
    url: '',
    received: [],
    status: 202,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as Record<string, unknown>;
      const entry: ReceivedWebhook = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body,
      };
      if (r.onRequest) {
        try {
          entry.seen = await r.onRequest(body);
        } catch (err) {
          entry.seen = err;
        }
      }
      r.received.push(entry);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ eventId: body.Id, status: 'accepted' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/billsby/acct-1`;
  return r;
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
