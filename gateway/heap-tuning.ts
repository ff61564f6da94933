import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent,
 * before it starts the next one (V8 picks 10–300% itself from how fast it has been collecting).
 *
 * Why the gateway sets it: a webhook allocates about 45 KB, and what is in flight when a young
 * collection runs is promoted (about 2 MB/s at 1,000 webhooks/s), all of it dead soon after. With a
 * live heap near 50 MB, V8 then ran a full collection every 2–5 s, and each one (about 100 ms of
 * concurrent marking competing for the cores, then a 10–25 ms pause) held 100–200 requests at
 * 60–130 ms: three of them in 20 s were the whole slowest 1% (bench/webhook with --trace-gc). At
 * 400% the old generation may reach about five times the live heap (about 250 MB) between full
 * collections, and there was one in those 20 s instead of three. V8's own heap limit still bounds
 * the memory. bench/README.md has the runs.
 */
export const GATEWAY_HEAP_GROWING_PERCENT = 400;

const FLAG = '--heap-growing-percent';

/**
 * Applies GATEWAY_HEAP_GROWING_PERCENT to this process, unless the operator started Node with
 * the flag (their value wins). V8 reads it each time it sets the next collection's threshold, so
 * setting it at start-up, before the first full collection, is enough.
 */
export function tuneGatewayHeap(
  execArgv: readonly string[] = process.execArgv,
  percent = GATEWAY_HEAP_GROWING_PERCENT,
): number | undefined {
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`))) return undefined;
  v8.setFlagsFromString(`${FLAG}=${percent}`);
  return percent;
}
