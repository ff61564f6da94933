import { Runtime, type RuntimeOptions } from '@temporalio/worker';

/**
 * The worker process's Temporal runtime, installed once per process before any connection: the
 * SDK's Prometheus exporter (its own and the workers' metrics: task slots, poll latencies, activity
 * and workflow task timings, sticky cache, `temporal_` prefix) on TEMPORAL_METRICS_HOST:PORT's
 * `/metrics`. The product's own counters are on another listener (metrics/server.ts,
 * WORKER_METRICS_PORT): the SDK's exporter serves only the runtime's meter.
 *
 * `base` carries the rest of the runtime's options (e.g. the logger, logging/temporal.ts); its
 * telemetryOptions are kept and the metrics exporter added.
 */
export interface WorkerRuntime {
  /** Where the SDK's exporter listens; undefined when this call did not install the runtime. */
  sdkMetricsAddress?: string;
  /** Why not: the runtime was installed already (a test's, the demo's). */
  note?: string;
}

export function sdkMetricsBindAddress(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`;
}

export function installWorkerRuntime(
  metrics: { host: string; port: number },
  base: RuntimeOptions = {},
): WorkerRuntime {
  const bindAddress = sdkMetricsBindAddress(metrics.host, metrics.port);
  try {
    Runtime.install({
      ...base,
      telemetryOptions: {
        ...base.telemetryOptions,
        metrics: {
          prometheus: {
            bindAddress,
            // Prometheus conventions: counters end in _total, durations in seconds.
            countersTotalSuffix: true,
            useSecondsForDurations: true,
          },
        },
      },
    });
  } catch (err) {
    // Runtime.install throws IllegalStateError once a runtime exists; anything else is real.
    if ((err as Error)?.name !== 'IllegalStateError') {
      throw new Error(
        `the Temporal SDK's metrics exporter could not listen on ${bindAddress} (${(err as Error)?.message ?? err}); ` +
          'choose another TEMPORAL_METRICS_PORT (0 picks a free one)',
      );
    }
    return {
      note: 'the Temporal runtime was installed already in this process, so its Prometheus exporter is not started here',
    };
  }
  return { sdkMetricsAddress: bindAddress };
}
