// BILL engagement workflows (issue 6): the parent run and its per-organization children.
export { billEngagement } from './engagement';
export { billEngagementOrganization } from './organization';
