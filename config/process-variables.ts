import type { AppConfig } from './env';

/**
 * Which process reads which variable, so a deployment hands each only its own (least privilege:
 * the internet-facing gateway never holds the BILL password or the Webex client secret).
 * Everything else is read by both.
 */
export const WORKER_ONLY_VARIABLES: readonly (keyof AppConfig)[] = [
  'WEBEX_CLIENT_SECRET',
  'BILL_API_BASE_URL',
  'BILL_USERNAME',
  'BILL_PASSWORD',
  'BILL_APP_KEY',
  'BILL_DEV_KEY',
  'BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR',
  'BILLSBY_API_KEY',
  'BILLSBY_READS_PER_ACCOUNT',
  'BILLSBY_READS_PER_PROCESS',
  'EVENT_PAYLOAD_RETENTION_DAYS',
  'ENGAGEMENT_REPORT_RETENTION_DAYS',
  'DELIVERY_SWEEP_AFTER_SECONDS',
  'WORKER_METRICS_PORT',
  'TEMPORAL_METRICS_PORT',
];
export const GATEWAY_ONLY_VARIABLES: readonly (keyof AppConfig)[] = [
  'GATEWAY_PORT',
  'GATEWAY_TRUST_PROXY',
  'WEBEX_SCOPES',
  'WEB_UI_ORIGINS',
  'CODEC_HOST',
  'CODEC_PORT',
  'CODEC_AUTH_TOKEN',
  'METRICS_PORT',
  'ALERT_UNDELIVERED_AGE_SECONDS',
  'GATEWAY_SESSION_KEY',
  // The CLI reads it too (not part of any deployment's services).
  'GATEWAY_API_KEYS',
];
