import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces leave the process through the payload codec (encrypted) like
 * every payload: a Webex or BILL error text can name a customer. The Web UI shows them decrypted
 * through the codec endpoint. Loaded by path (see data-converter.ts), also inside the workflow
 * sandbox, so it imports nothing but the SDK.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
