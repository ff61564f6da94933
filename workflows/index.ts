// The worker's workflow bundle entry: every workflow type the product registers.
export { diagnosticEcho } from './diagnostics';
