/**
 * Workflow time. Inside the Temporal sandbox Date.now() is patched to the workflow task's start
 * time, recorded in history, so it is deterministic on replay. This is the one place that may
 * call it; lint bans Date.now() elsewhere in workflow code so no other clock can slip in.
 */
// eslint-disable-next-line no-restricted-properties
export const workflowNow = (): number => Date.now();
export const workflowNowIso = (): string => new Date(workflowNow()).toISOString();
