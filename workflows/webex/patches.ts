/**
 * Patch ids of the integration workflow (what each is for, and when it may go: PATCHES.md here).
 * Every workflow-code change that would send other commands for an existing history goes
 * behind one of these.
 */

/** Recorded first thing in every run on the delivery loop (activity per batch, no idle poll). */
export const DELIVERY_LOOP_PATCH = 'delivery-loop-v2';
/** A run begun before the loop, past its old history: continue as new into the loop. */
export const RETIRE_LEGACY_RUN_PATCH = 'retire-legacy-run';
/** Legacy runs only: a failed attempt on a connected integration no longer sets status `failed`. */
export const KEEP_CONNECTION_ON_FAILED_ATTEMPT = 'keep-connection-on-failed-attempt';
