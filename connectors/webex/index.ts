export * from './errors';
export * from './schemas';
export * from './oauth';
export { createWebexClient, nextLink, POST_MESSAGE_OPERATION } from './client';
export type { WebexClient, WebexClientConfig } from './client';
export { DEFAULT_TIMEOUT_MS } from './transport';
