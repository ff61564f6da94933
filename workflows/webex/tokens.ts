import { log } from '@temporalio/workflow';
import { workflowNow } from '../clock';
import { productMetrics } from '../metric-sinks';
import type { IntegrationRun } from './integration';
import { tokensFrom } from './state';
import { REFRESH_REFUSED } from '../../temporal/failures';
import { failureMessage, failureType, isFailure, refreshActivities } from './webex-api';

/**
 * Refreshes the Webex tokens. Answers false when they could not be refreshed: Webex refused the
 * refresh token (the integration then needs reauthorization; events keep waiting in the log), or
 * Webex is unwell (try again later, keeping the tokens).
 */
export async function refreshTokens(run: IntegrationRun): Promise<boolean> {
  const tokens = run.s.tokens!;
  if (!tokens.refreshToken)
    return reauthorize(run, 'Webex gave no refresh token and the access token expired.');
  try {
    const grant = await refreshActivities.refreshWebexToken({ refreshToken: tokens.refreshToken });
    run.s.tokens = tokensFrom(grant, workflowNow(), tokens.refreshToken);
    run.retryAt = null;
    log.info('Webex token refreshed', {
      accountId: run.accountId,
      expiresAt: new Date(run.s.tokens.expiresAt).toISOString(),
    });
    return true;
  } catch (err) {
    if (isFailure(err, ...REFRESH_REFUSED)) {
      const type = failureType(err);
      return reauthorize(run, `Webex refused the refresh token (${type}). Connect again to resume delivery.`);
    }
    run.s.lastError = `Token refresh failed, will retry: ${failureMessage(err)}`;
    run.retryAt = workflowNow() + (run.options.retryLaterMs ?? 60_000);
    return false;
  }
}

export function reauthorize(run: IntegrationRun, reason: string): false {
  if (run.s.status !== 'reauthorization_required') productMetrics.reauthorizationRequired();
  run.s.tokens = null;
  run.setStatus('reauthorization_required', reason);
  return false;
}
