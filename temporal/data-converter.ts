import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type EncryptionKey } from './codec';

/** The failure converter module; workflow bundles must be built with it too (WORKFLOW_BUNDLE_OPTIONS). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** One converter for every client and worker, so nothing reaches the server unencrypted. */
export function createDataConverter(keys: EncryptionKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * A worker's converter: the same, but its codec decodes an unencrypted payload to the refusal
 * marker (temporal/refused-payload.ts), which workflows/refuse-unencrypted.ts refuses.
 */
export function refusingUnencrypted(converter: DataConverter): DataConverter {
  return {
    ...converter,
    payloadCodecs: converter.payloadCodecs?.map((codec) =>
      codec instanceof AesGcmPayloadCodec ? codec.refusing() : codec,
    ),
  };
}
