import type { DeliverBatchResult } from '../../activities/webex/deliver-batch';

/** How one batch's delivery ended (the delivery activity's answer). */
export type DeliveryResult = DeliverBatchResult;
