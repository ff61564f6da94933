import { workflowNow } from '../clock';
import type { CompleteAuthorization } from './definitions';
import { tokensFrom, type WebexTokens } from './state';
import { failureMessage, oauthActivities, setupActivities } from './webex-api';

export interface AuthJob extends CompleteAuthorization {
  codeVerifier: string;
  outcome?: 'connected' | 'failed';
}

export type ConnectOutcome =
  | {
      connected: {
        tokens: WebexTokens;
        connectedAs: { id: string; displayName: string };
        room: { id: string; title: string };
        /** How many of the user's spaces could be the room (a note when several). */
        candidates: number;
      };
    }
  | { failed: string };

/**
 * One authorization attempt's IO: exchanges the code, identifies the user, finds (or creates) the
 * room (the one the integration already has wins). Answers what the entity applies.
 */
export async function connectWebex(
  job: AuthJob,
  preferredRoomId: string | undefined,
): Promise<ConnectOutcome> {
  if (job.error || !job.code) {
    return {
      failed:
        job.error === 'access_denied'
          ? 'The Webex authorization was declined. Click Integrate to try again.'
          : `Webex returned an error instead of an authorization code (${job.error ?? 'no code'}).`,
    };
  }
  try {
    const grant = await oauthActivities.exchangeWebexCode({ code: job.code, codeVerifier: job.codeVerifier });
    const tokens = tokensFrom(grant, workflowNow(), null);
    const me = await setupActivities.identifyWebexUser({ accessToken: tokens.accessToken });
    const room = await setupActivities.findOrCreateBillsbyRoom({
      accessToken: tokens.accessToken,
      personId: me.id,
      preferredRoomId,
    });
    return {
      connected: {
        tokens,
        connectedAs: me,
        room: { id: room.id, title: room.title },
        candidates: room.candidates,
      },
    };
  } catch (err) {
    return { failed: `Connecting to Webex failed: ${failureMessage(err)}` };
  }
}
