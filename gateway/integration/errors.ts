/**
 * The integration service's failures that the gateway turns into HTTP answers (503, 400, 409,
 * 503, 200 with the last known status). Their own module so routes can match them without
 * loading the service.
 */

/** Connecting cannot work right now (not configured, or no worker): the gateway answers 503. */
export class NotConfiguredError extends Error {}

export class InvalidStateError extends Error {}
/** Connect on a connected integration without `replace`: the gateway answers 409, nothing changed. */
export class AlreadyConnectedError extends Error {}
/** The event log could not store the event (its database is down): nothing was stored. */
export class EventLogUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the event log is unavailable; nothing was stored, send again later', { cause });
  }
}
/** The integration exists but no worker answered its status query (e.g. the worker is down). */
export class StatusUnavailableError extends Error {
  constructor(readonly lastKnownStatus: string | undefined) {
    super('no worker answered the status query; events are still accepted and will be delivered');
  }
}
