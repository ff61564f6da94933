import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/**
 * True when a client call ran out of its deadline (no worker answered an update in time). The
 * client reports the same deadline either as this error or as a gRPC DEADLINE_EXCEEDED.
 */
export function isDeadlineExceeded(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  let current = err as { code?: number; cause?: unknown; message?: string } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    // gRPC DEADLINE_EXCEEDED is code 4.
    if (current.code === 4 || /deadline exceeded/i.test(current.message ?? '')) return true;
    current = current.cause as typeof current;
  }
  return false;
}
