/** The Webex space the integration posts to (the seed: "Billsby Data" workspace). */
export const BILLSBY_ROOM_TITLE = 'Billsby Data';

/** The Webex space the BILL engagement digest goes to (DESIGN §4.5.1), found or created like Billsby Data. */
export const ENGAGEMENT_ROOM_TITLE = 'BILL Engagement';

/** Billsby account ids as the product accepts them: safe in workflow ids, URLs and OAuth state. */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
