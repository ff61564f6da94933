import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { parseEncryptionKeys } from '../../temporal/codec';
import { createDataConverter } from '../../temporal/data-converter';

/**
 * Workflow histories recorded by earlier versions of the workflow code (test/fixtures/histories/
 * <version>/, see its README): replayed with today's code, they catch a change that would break a
 * running workflow. Also the old workflow bundles (test/fixtures/bundles/), to start workflows on
 * old code and finish them on today's.
 */

const FIXTURES = path.join(__dirname, '../fixtures');

export interface RecordedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  taskQueueKind: 'webex' | 'bill';
  recordedWhile: 'running' | 'closed';
  history: proto.temporal.api.history.v1.IHistory;
}

/** Every recorded history of `version` (e.g. 'v1'), parsed. */
export function recordedHistories(version: string): RecordedHistory[] {
  const dir = path.join(FIXTURES, 'histories', version);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Omit<RecordedHistory, 'file'> & {
        history: unknown;
      };
      return { ...json, file, history: historyFromProtoJson(json.history) };
    });
}

/** The data converter that reads `version`'s payloads (a test-only key kept beside them). */
export function recordedDataConverter(version: string) {
  return createDataConverter(parseEncryptionKeys(recordedPayloadKey(version)));
}

export function recordedPayloadKey(version: string): string {
  return readFileSync(path.join(FIXTURES, 'histories', version, 'payload-key.txt'), 'utf8').trim();
}

/** An old version's workflow bundle for one task queue, as the worker option `workflowBundle`. */
export function recordedBundle(version: string, queue: 'webex' | 'bill'): { code: string } {
  const gz = readFileSync(path.join(FIXTURES, 'bundles', `${version}-${queue}.js.gz`));
  return { code: gunzipSync(gz).toString('utf8') };
}

/**
 * proto3 JSON → History. `historyFromJSON` of @temporalio/common refuses types made by the other
 * copy of protobufjs on this install ("type must be a Type"); then @temporalio/proto's own copy
 * of protojson reads it.
 */
function historyFromProtoJson(json: unknown): proto.temporal.api.history.v1.IHistory {
  try {
    return historyFromJSON(json);
  } catch (err) {
    if (!(err instanceof TypeError && /must be a Type/.test(err.message))) throw err;
  }
  const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
  const { fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as {
    fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
  };
  const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
  return fromJson(root.lookupType('temporal.api.history.v1.History'), json, {
    ignoreUnknownFields: true,
  }) as proto.temporal.api.history.v1.IHistory;
}
