// The bill-engagement task queue's workflow types: its worker's bundle entry (workers/workflow-bundles.ts).
export { diagnosticEcho } from './diagnostics';
export * from './bill';
