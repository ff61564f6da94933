/** The Webex space the integration posts to (the seed: "Billsby Data" workspace). */
export const BILLSBY_ROOM_TITLE = 'Billsby Data';
