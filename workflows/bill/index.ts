// BILL engagement workflows (issue 6).
export {};
