import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../temporal/paths';

/** One sample of each of the five Billsby event types (samples/events/), in the order sent. */
export const DEMO_SAMPLES = [
  'customer-created',
  'customer-updated',
  'subscription-created',
  'subscription-updated',
  'payment-succeeded',
] as const;

export interface DemoEvent {
  sample: string;
  type: string;
  id: string;
  body: Record<string, unknown>;
}

/**
 * The samples with their Id made unique to this run (`<sample Id>-<stamp>`), so a second demo on
 * the same database sends new events rather than duplicates. Ids are not part of the message text.
 */
export function loadDemoEvents(stamp: string): DemoEvent[] {
  return DEMO_SAMPLES.map((sample) => {
    const file = path.join(PROJECT_ROOT, 'samples', 'events', `${sample}.json`);
    const body = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const id = `${String(body.Id)}-${stamp}`;
    return { sample, type: String(body.Type), id, body: { ...body, Id: id } };
  });
}
