export { METRIC, METRIC_PREFIX } from './names';
export { GatewayMetrics, noteWebhookReason, type WebhookReason } from './gateway-metrics';
export {
  WorkerMetrics,
  productMetricSinks,
  webexAnswerClass,
  billAnswerCode,
  RUNNING_INTEGRATION_STATUSES,
  type VisibilitySource,
} from './worker-metrics';
export { startMetricsServer, type RunningMetricsServer } from './server';
