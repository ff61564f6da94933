import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { AppConfig } from '../config/env';
import type { TaskQueues } from '../temporal/task-queues';
import type { IntegrationService } from './integration/service';
import type { ConnectionLimits } from './connection-limits';
import type { GatewaySecurity } from './security';
import type { GatewayMetrics } from '../metrics/gateway-metrics';

/** What every gateway route may use. Built once at start-up. */
export interface GatewayContext {
  client: Client;
  config: AppConfig;
  /**
   * The payload codec, for the codec listener started beside the gateway (gateway/codec/server.ts);
   * the gateway's own routes never decode payloads for a caller (no /decode on the gateway port).
   */
  codec: PayloadCodec;
  taskQueues: TaskQueues;
  integrations: IntegrationService;
  /** API keys, link and cookie sealing, rate limits (DESIGN.md §4.6). */
  security: GatewaySecurity;
  /** Browser origins allowed to call the codec listener (the Temporal Web UI); not used by the gateway's routes. */
  webUiOrigins: string[];
  /** The gateway's metrics (served on their own listener, metrics/server.ts); none: not measured. */
  metrics?: GatewayMetrics;
  /** Request, header and keep-alive deadlines (connection-limits.ts); tests shorten them. */
  connectionLimits?: Partial<ConnectionLimits>;
}
