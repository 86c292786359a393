import {
  AgentListSchema,
  ConversationPageSchema,
  ConversationSchema,
  DelegationInfoSchema,
  ErrorBodySchema,
  MessageListSchema,
  PlanVersionSchema,
  ProjectDetailSchema,
  ProjectPageSchema,
  SendMessageResponseSchema,
  SystemInfoSchema,
  type AgentList,
  type Conversation,
  type ConversationPage,
  type CreateConversationBody,
  type DelegationInfo,
  type MessageList,
  type PlanVersion,
  type ProjectDetail,
  type ProjectPage,
  type ProjectStatus,
  type RateDelegationBody,
  type SendMessageResponse,
  type SystemInfo,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { ApiError } from './errors';

type HttpMethod = 'GET' | 'POST';

export interface ApiClientOptions {
  /** Prefix for every path; empty because the API is served from the app's own origin. */
  baseUrl?: string;
}

export interface ApiClient {
  getSystem(): Promise<SystemInfo>;
  listConversations(query?: { limit?: number; cursor?: string | null }): Promise<ConversationPage>;
  createConversation(body?: CreateConversationBody): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation>;
  listMessages(id: string, query?: { after?: number; limit?: number }): Promise<MessageList>;
  sendMessage(id: string, content: string): Promise<SendMessageResponse>;
  listAgents(): Promise<AgentList>;
  listProjects(query?: { status?: ProjectStatus | null; limit?: number; cursor?: string | null }): Promise<ProjectPage>;
  getProject(id: string): Promise<ProjectDetail>;
  /** Every plan version of a project, newest first. */
  listPlanVersions(id: string): Promise<{ versions: PlanVersion[] }>;
  /** Approves exactly `version`; a 409 `plan/stale_version` means a newer one exists. */
  approvePlan(id: string, version: number): Promise<ProjectDetail>;
  rateDelegation(id: string, body: RateDelegationBody): Promise<DelegationInfo>;
}

/** The contracts type this response inline; its schema lives here. */
const PlanVersionListSchema = z.object({ versions: z.array(PlanVersionSchema) });

function queryString(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorFromResponse(status: number, body: unknown): ApiError {
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, issues } = parsed.data.error;
    return new ApiError({ code, message, status, issues });
  }
  // A proxy or crashed server answered instead of the API: say so rather than show raw HTML.
  return new ApiError({
    code: status >= 500 ? 'http/server_error' : 'http/unexpected_status',
    message: `The server answered with HTTP ${status}.`,
    status,
  });
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';

  async function request<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    let response: Response;
    try {
      // Looked up at call time so tests (and polyfills) can replace the global.
      response = await globalThis.fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (cause) {
      const detail = cause instanceof Error ? `: ${cause.message}` : '';
      throw new ApiError({
        code: 'network/unreachable',
        message: `Could not reach the server${detail}. Check your connection and try again.`,
        status: 0,
      });
    }

    const payload = await readJson(response);
    if (!response.ok) throw errorFromResponse(response.status, payload);

    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ApiError({
        code: 'client/invalid_response',
        message: `The server sent an unexpected response for ${method} ${path}.`,
        status: response.status,
        issues: first ? [{ path: first.path.join('.'), message: first.message }] : [],
      });
    }
    return parsed.data;
  }

  const enc = encodeURIComponent;
  return {
    getSystem: () => request('GET', '/api/system', SystemInfoSchema),
    listConversations: (query = {}) =>
      request(
        'GET',
        `/api/conversations${queryString({ limit: query.limit, cursor: query.cursor })}`,
        ConversationPageSchema,
      ),
    createConversation: (body = {}) => request('POST', '/api/conversations', ConversationSchema, body),
    getConversation: (id) => request('GET', `/api/conversations/${enc(id)}`, ConversationSchema),
    listMessages: (id, query = {}) =>
      request(
        'GET',
        `/api/conversations/${enc(id)}/messages${queryString({ after: query.after, limit: query.limit })}`,
        MessageListSchema,
      ),
    sendMessage: (id, content) =>
      request('POST', `/api/conversations/${enc(id)}/messages`, SendMessageResponseSchema, { content }),
    listAgents: () => request('GET', '/api/agents', AgentListSchema),
    listProjects: (query = {}) =>
      request(
        'GET',
        `/api/projects${queryString({ status: query.status, limit: query.limit, cursor: query.cursor })}`,
        ProjectPageSchema,
      ),
    getProject: (id) => request('GET', `/api/projects/${enc(id)}`, ProjectDetailSchema),
    listPlanVersions: (id) => request('GET', `/api/projects/${enc(id)}/plan-versions`, PlanVersionListSchema),
    approvePlan: (id, version) => request('POST', `/api/projects/${enc(id)}/approve`, ProjectDetailSchema, { version }),
    rateDelegation: (id, body) => request('POST', `/api/delegations/${enc(id)}/rating`, DelegationInfoSchema, body),
  };
}

/** The app's client; stores use this one. */
export const api: ApiClient = createApiClient();
