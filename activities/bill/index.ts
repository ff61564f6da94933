/** BILL engagement activities (issue 6). Filled in by the engagement chain. */
export interface BillActivityDeps {
  apiBaseUrl: string;
  username?: string;
  password?: string;
  appKey?: string;
  devKey?: string;
  timeoutMs?: number;
  /** Folder for reports too large for a workflow result. */
  reportsDir: string;
}

export function createBillActivities(_deps: BillActivityDeps) {
  return {};
}

export type BillActivities = ReturnType<typeof createBillActivities>;
