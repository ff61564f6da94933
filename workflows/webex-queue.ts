// The billsby-webex task queue's workflow types: its worker's bundle entry (workers/workflow-bundles.ts).
export { diagnosticEcho } from './diagnostics';
export { webexIntegration } from './webex/integration';
export { webexDelivery } from './webex/legacy/delivery-workflow';
