import { proxySinks, type Sinks } from '@temporalio/workflow';

/**
 * What workflows count (metrics/worker-metrics.ts serves it). A sink call leaves the workflow
 * sandbox after the activation, is never called while history is replayed, and changes no
 * command, so it is safe for determinism. Ids only would be allowed, but none are passed: the
 * counters carry no account or organization label.
 */
export interface ProductMetricSinks extends Sinks {
  productMetrics: {
    /** An integration moved to `reauthorization_required`. */
    reauthorizationRequired(): void;
    /** An engagement run finished one organization: classified, or recorded as failed. */
    organizationDone(outcome: 'classified' | 'failed'): void;
  };
}

export const { productMetrics } = proxySinks<ProductMetricSinks>();
