import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The product's custom search attributes (all Keyword), registered on every server it uses. */
export const BillsbyAccountId = defineSearchAttributeKey('BillsbyAccountId', SearchAttributeType.KEYWORD);
export const BillsbyEventType = defineSearchAttributeKey('BillsbyEventType', SearchAttributeType.KEYWORD);
export const IntegrationStatus = defineSearchAttributeKey('IntegrationStatus', SearchAttributeType.KEYWORD);
export const BillOrganizationId = defineSearchAttributeKey('BillOrganizationId', SearchAttributeType.KEYWORD);

export const PRODUCT_SEARCH_ATTRIBUTES = [
  BillsbyAccountId,
  BillsbyEventType,
  IntegrationStatus,
  BillOrganizationId,
] as const;
