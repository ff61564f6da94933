/** Fixed task queue names (DESIGN.md §2). Tests pass their own to keep runs apart. */
export const WEBEX_TASK_QUEUE = 'billsby-webex';
export const BILL_TASK_QUEUE = 'bill-engagement';

export interface TaskQueues {
  webex: string;
  bill: string;
}

export const DEFAULT_TASK_QUEUES: TaskQueues = { webex: WEBEX_TASK_QUEUE, bill: BILL_TASK_QUEUE };
