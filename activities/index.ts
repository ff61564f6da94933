import * as diagnostics from './diagnostics';

/** Every activity the worker registers, built from the worker's configuration. */
export function createActivities() {
  return { ...diagnostics };
}

export type ProductActivities = ReturnType<typeof createActivities>;
