export { ApiError } from './errors';
export type { ApiErrorData } from './errors';
export { parseRetryAfterMs } from './retry-after';
export type { RetryAfterPolicy } from './retry-after';
export {
  checkBody,
  createHttpClient,
  exchange,
  isNoResponse,
  isRecord,
  isSuccess,
  issuePath,
  trimBaseUrl,
  tryParseJson,
} from './client';
export type { CheckedBody, HttpClientOptions, NoResponse, RawResponse } from './client';
