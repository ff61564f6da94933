/**
 * The newest payment's createdTime, without taking BILL's sort on trust: some list endpoints ignore
 * a sort they do not support. One page of up to 100 (the same single request as `max=1`) either
 * holds every payment, or shows whether the sort was honoured: payments out of createdTime order
 * mean it was not, and every page is read to find the newest. Each page is one paced request.
 * Limit of the check: an endpoint that ignores the sort but happens to serve its first two
 * payments newest first is taken at its word.
 */
import type { BillClient } from './client';

export interface NewestPayment {
  lastPaymentAt: string | null;
  /** Pages read (one request each). */
  requests: number;
  /** False when BILL's page came back out of newest-first order. */
  sortHonoured: boolean;
}

const isNewestFirst = (times: number[]) => times.every((t, i) => i === 0 || times[i - 1]! >= t);

export async function newestPayment(
  client: BillClient,
  orgSessionId: string,
  pageSize = 100,
): Promise<NewestPayment> {
  const times: number[] = [];
  let sortHonoured = true;
  let requests = 0;
  const seen = new Set<string>();
  for (let page: string | undefined; ;) {
    const res = await client.listPayments(orgSessionId, { max: pageSize, sort: 'createdTime:desc', page });
    requests++;
    times.push(...res.results.map((p) => Date.parse(p.createdTime)));
    sortHonoured &&= isNewestFirst(times);
    if (!res.nextPage || seen.has(res.nextPage)) break;
    // Two or more in newest-first order (across pages too) and none out of it: the sort is honoured
    // and the first is the newest. Out of order: the newest may be on any page, so read them all.
    if (sortHonoured && times.length >= 2) break;
    seen.add(res.nextPage);
    page = res.nextPage;
  }
  const newest = times.length ? Math.max(...times) : undefined;
  return {
    lastPaymentAt: newest === undefined ? null : new Date(newest).toISOString(),
    requests,
    sortHonoured,
  };
}
