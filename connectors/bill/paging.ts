/** BILL's list paging: the `max` rule every list call shares, and following `nextPage` tokens. */
import { BillApiError } from './errors';
import type { Page } from './schemas';

export interface ListOptions {
  /** 1..100; always sent because BILL's documented default is contradictory. Default 100. */
  max?: number;
  page?: string;
  /** `field:asc|desc[,…]` */
  sort?: string;
  /** `field:op:value[,…]`, values quoted where BILL requires it. */
  filters?: string;
}

export function listParams(operation: string, opts: ListOptions | undefined, defaultSort?: string) {
  const max = opts?.max ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw new BillApiError({
      kind: 'bad_request',
      operation,
      retryable: false,
      message: `BILL ${operation} failed: bad_request: max must be an integer 1..100`,
    });
  }
  return { max, page: opts?.page, sort: opts?.sort ?? defaultSort, filters: opts?.filters };
}

export async function* pages<T>(
  operation: string,
  fetchPage: (page: string | undefined) => Promise<Page<T>>,
  first: string | undefined,
): AsyncGenerator<Page<T>> {
  const seen = new Set<string>();
  let page = first;
  for (;;) {
    const res = await fetchPage(page);
    yield res;
    // Stop on a missing nextPage, never on an empty page (BILL may hand out a token to an empty page).
    if (!res.nextPage) return;
    if (seen.has(res.nextPage)) {
      throw new BillApiError({
        kind: 'invalid_response',
        operation,
        retryable: false,
        fieldPath: 'nextPage',
        message: `BILL ${operation} failed: invalid_response: field nextPage repeats an earlier token`,
      });
    }
    seen.add(res.nextPage);
    page = res.nextPage;
  }
}

export async function collect<T>(it: AsyncGenerator<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of it) out.push(...p.results);
  return out;
}
