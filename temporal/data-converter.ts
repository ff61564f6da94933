import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type EncryptionKey } from './codec';

/** One converter for every client and worker, so nothing reaches the server unencrypted. */
export function createDataConverter(keys: EncryptionKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}
