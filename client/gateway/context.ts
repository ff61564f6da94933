import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { AppConfig } from '../../config/env';
import type { TaskQueues } from '../../temporal/task-queues';
import type { IntegrationService } from '../integration/service';

/** What every gateway route may use. Built once at start-up. */
export interface GatewayContext {
  client: Client;
  config: AppConfig;
  codec: PayloadCodec;
  taskQueues: TaskQueues;
  integrations: IntegrationService;
  /** Browser origins allowed to call the codec endpoint (the Temporal Web UI). */
  webUiOrigins: string[];
}
