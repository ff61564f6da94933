// Every workflow type: what tests, the demo and the benchmarks bundle. A production worker bundles
// its own queue's only (webex-queue.ts, bill-queue.ts; workers/workflow-bundles.ts).
export { diagnosticEcho } from './diagnostics';
export { webexIntegration } from './webex/integration';
export { webexDelivery } from './webex/legacy/delivery-workflow';
export * from './bill';
