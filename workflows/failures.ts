/**
 * Reading Temporal failure chains (ChildWorkflowFailure → ActivityFailure → ApplicationFailure):
 * the innermost typed failure is the one that names the problem (`Webex.<kind>`, `Bill.<kind>`).
 */

/** The innermost failure `type` in the cause chain, if any. */
export function failureType(err: unknown): string | undefined {
  let current = err as { type?: string; cause?: unknown } | undefined;
  let found: string | undefined;
  for (let depth = 0; current && depth < 6; depth++) {
    if (typeof current.type === 'string') found = current.type;
    current = current.cause as typeof current;
  }
  return found;
}

/** The innermost message: the one that names the problem. */
export function failureMessage(err: unknown): string {
  let current = err as { message?: string; cause?: unknown } | undefined;
  let message = 'unknown error';
  for (let depth = 0; current && depth < 6; depth++) {
    if (current.message) message = current.message;
    current = current.cause as typeof current;
  }
  return message;
}
