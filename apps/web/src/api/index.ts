export { api, createApiClient, type ApiClient, type ApiClientOptions } from './client';
export { ApiError, isApiError, toApiError, type ApiIssue } from './errors';
