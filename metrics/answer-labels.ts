import type { ObservedCall } from '../activities/observe-calls';

/**
 * The label values an outbound call's answer gets on the worker's request counters: few and
 * bounded, whatever a remote sends back.
 */

/** A Webex answer's class: the statuses that steer delivery, then the rest by family. */
export function webexAnswerClass(call: ObservedCall): string {
  if (call.outcome === 'ok') return '2xx';
  if (call.outcome !== 'error') return call.outcome;
  const s = call.status;
  if (s === undefined) return 'other';
  if (s >= 200 && s < 300) return '2xx'; // an answer the connector could not accept (invalid_response)
  if (s === 401 || s === 404 || s === 429) return String(s);
  if (s >= 500) return '5xx';
  if (s >= 400) return '4xx';
  return 'other';
}

/** A BILL answer as a label: OK, BILL's own code shape, HTTP_nnn, timeout, network or other. */
export function billAnswerCode(call: ObservedCall): string {
  if (call.outcome === 'ok') return 'OK';
  if (call.outcome !== 'error') return call.outcome;
  // Only BILL's code shape becomes a label: a remote cannot invent unbounded label values.
  if (call.code && /^BDC_\d{1,6}$/.test(call.code)) return call.code;
  return call.status !== undefined ? `HTTP_${call.status}` : 'other';
}
