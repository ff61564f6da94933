/**
 * What the worker's codec turns an unencrypted payload into (issue 23): a JSON object with this one
 * key, which workflows/refuse-unencrypted.ts finds and refuses. Anyone who reaches the Temporal
 * frontend can start a workflow, signal it or send an update with a plain client; without this the
 * workflow would run on arguments nobody encrypted (and so nobody of ours sent).
 *
 * Why a marker and not an error in the codec: a codec error fails the whole workflow task, and a
 * signal stays in history, so one plaintext signal would wedge the workflow for good. The marker
 * lets the interceptor drop that signal, reject that update before it is accepted, and fail only a
 * run started with plaintext input. No imports: the workflow bundle includes this file.
 */
export const REFUSED_PAYLOAD_KEY = '$unencryptedPayloadRefused';

export const REFUSED_PAYLOAD_MESSAGE =
  'refused: an argument was not encrypted with the product’s payload key (sent by a client without the product’s data converter)';

/** True for the marker the worker's codec puts in place of an unencrypted payload. */
export function isRefusedPayload(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[REFUSED_PAYLOAD_KEY] === true
  );
}
