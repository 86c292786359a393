export {
  api,
  createApiClient,
  InboxSchema,
  type ApiClient,
  type ApiClientOptions,
  type ApprovalQuery,
  type Inbox,
  type InboxHumanStep,
  type ProjectControl,
  type StepResultChunk,
} from './client';
export { ApiError, isApiError, toApiError, type ApiIssue } from './errors';
export { onSessionExpired } from './sessionExpiry';
