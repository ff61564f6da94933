import {
  ApplicationFailure,
  log,
  type Next,
  type SignalInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { isRefusedPayload, REFUSED_PAYLOAD_MESSAGE } from '../temporal/refused-payload';

/** The failure type of a start, update or query refused for an unencrypted argument. */
export const UNENCRYPTED_INPUT_REFUSED = 'UnencryptedInputRefused';

const refused = (args: readonly unknown[]) => args.some(isRefusedPayload);
const refusal = () => ApplicationFailure.nonRetryable(REFUSED_PAYLOAD_MESSAGE, UNENCRYPTED_INPUT_REFUSED);

/**
 * Every workflow's way in, checked for arguments the worker's codec refused (an unencrypted
 * payload, temporal/refused-payload.ts): a run started with one fails before any workflow code
 * runs, an update is rejected (by its validator, before it is accepted and written to history), a
 * query fails, and a signal is dropped with a warning (failing it would fail the workflow task on
 * every retry: a signal stays in history). Registered in every workflow bundle
 * (workers/workflow-bundles.ts).
 */
class RefuseUnencryptedInbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
    if (refused(input.args)) throw refusal();
    return next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>) {
    if (refused(input.args)) throw refusal();
    next(input);
  }

  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) {
    // Updates without a validator: refused before their handler runs.
    if (refused(input.args)) throw refusal();
    return next(input);
  }

  async handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) {
    if (refused(input.args)) {
      log.warn('signal dropped: an argument was not encrypted', { signal: input.signalName });
      return;
    }
    return next(input);
  }

  async handleQuery(
    input: Parameters<NonNullable<WorkflowInboundCallsInterceptor['handleQuery']>>[0],
    next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>,
  ) {
    if (refused(input.args)) throw refusal();
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new RefuseUnencryptedInbound()],
});
