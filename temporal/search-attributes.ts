import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The product's custom search attributes, registered on every server it uses. */
export const BillsbyAccountId = defineSearchAttributeKey('BillsbyAccountId', SearchAttributeType.KEYWORD);
export const BillsbyEventType = defineSearchAttributeKey('BillsbyEventType', SearchAttributeType.KEYWORD);
export const IntegrationStatus = defineSearchAttributeKey('IntegrationStatus', SearchAttributeType.KEYWORD);
/** On each batch delivery: the Billsby event ids it was given, so an operator finds any event's delivery. */
export const BillsbyEventIds = defineSearchAttributeKey('BillsbyEventIds', SearchAttributeType.KEYWORD_LIST);
export const BillOrganizationId = defineSearchAttributeKey('BillOrganizationId', SearchAttributeType.KEYWORD);

export const PRODUCT_SEARCH_ATTRIBUTES = [
  BillsbyAccountId,
  BillsbyEventType,
  IntegrationStatus,
  BillOrganizationId,
  BillsbyEventIds,
] as const;

/** The type name the server and the `temporal` CLI use for a key (`Keyword`, `KeywordList`). */
export function searchAttributeTypeName(key: (typeof PRODUCT_SEARCH_ATTRIBUTES)[number]): string {
  return key.type === SearchAttributeType.KEYWORD_LIST ? 'KeywordList' : 'Keyword';
}
