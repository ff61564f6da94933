// The worker's workflow bundle entry: every workflow type the product registers.
export { diagnosticEcho } from './diagnostics';
export { webexIntegration } from './webex/integration';
export { webexDelivery } from './webex/delivery';
export * from './bill';
