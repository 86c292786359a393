import {
  AgentListSchema,
  ApprovalPageSchema,
  ApprovalSchema,
  BulkDecideResultSchema,
  CheckpointInfoSchema,
  InboxSchema,
  type Inbox,
  ProjectErrorSchema,
  ProjectStepSchema,
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
  type Approval,
  type ApprovalPage,
  type ApprovalStatus,
  type BulkDecideResult,
  type CheckpointInfo,
  type Decision,
  type ProjectError,
  type ProjectStep,
  type RecoverStepBody,
  type RiskLevel,
  type RollbackBody,
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
  type RenameConversationBody,
  type SendMessageResponse,
  type SystemInfo,
} from '@orchestrator/contracts';
import { z } from 'zod';
import { ApiError } from './errors';
import { sessionExpired } from './sessionExpiry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type ProjectControl = 'pause' | 'resume' | 'cancel' | 'abort';

export interface ApprovalQuery {
  status?: ApprovalStatus | null;
  projectId?: string | null;
  riskLevel?: RiskLevel | null;
  department?: string | null;
  limit?: number;
  cursor?: string | null;
}

/** The part of a step's result that was read, and how it relates to the whole. */
export interface StepResultChunk {
  text: string;
  contentType: string;
  /** Bytes read (at most `maxBytes`). */
  loadedBytes: number;
  /** The whole result's size when the server said (Content-Length), else null. */
  totalBytes: number | null;
  /** True when the result goes on beyond what was read. */
  truncated: boolean;
}

export interface ApiClientOptions {
  /** Prefix for every path; empty because the API is served from the app's own origin. */
  baseUrl?: string;
  /**
   * Called when any call answers 401 `auth/unauthenticated`: the session expired or was revoked,
   * so the app sends the person to the login page (the call still fails with that error).
   */
  onUnauthenticated?: (error: ApiError) => void;
}

export interface ApiClient {
  getSystem(): Promise<SystemInfo>;
  /** With `q`, a search: a page may be short, even empty, and still have a `nextCursor` (docs/api.md). */
  listConversations(query?: { limit?: number; cursor?: string | null; q?: string }): Promise<ConversationPage>;
  createConversation(body?: CreateConversationBody): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation>;
  /** The title exactly as typed; 404 `conversation/not_found` once it is gone. */
  renameConversation(id: string, title: string): Promise<Conversation>;
  /** Deletes it with its messages, for everyone in the workspace. */
  deleteConversation(id: string): Promise<void>;
  listMessages(id: string, query?: { after?: number; limit?: number }): Promise<MessageList>;
  sendMessage(id: string, content: string): Promise<SendMessageResponse>;
  /** Answers a message again whose reply failed (the same stored message, not a copy). */
  retryReply(id: string, messageId: string): Promise<SendMessageResponse>;
  listAgents(): Promise<AgentList>;
  listProjects(query?: { status?: ProjectStatus | null; limit?: number; cursor?: string | null }): Promise<ProjectPage>;
  getProject(id: string): Promise<ProjectDetail>;
  /** Every plan version of a project, newest first. */
  listPlanVersions(id: string): Promise<{ versions: PlanVersion[] }>;
  /** Approves exactly `version`; a 409 `plan/stale_version` means a newer one exists. */
  approvePlan(id: string, version: number): Promise<ProjectDetail>;
  rateDelegation(id: string, body: RateDelegationBody): Promise<DelegationInfo>;
  /** Pause, resume, cancel or abort; a 409 `project/invalid_transition` names the current state. */
  controlProject(id: string, control: ProjectControl, reason?: string): Promise<ProjectDetail>;
  listSteps(id: string): Promise<{ steps: ProjectStep[] }>;
  /** Where the full result of a step is served (also the download link). */
  stepResultUrl(id: string, stepKey: string): string;
  /**
   * Reads at most `maxBytes` of a step's result and stops there: results can be 10–100 MB and
   * the page only ever holds the part it shows.
   */
  getStepResult(
    id: string,
    stepKey: string,
    options: { maxBytes: number; signal?: AbortSignal },
  ): Promise<StepResultChunk>;
  listErrors(id: string): Promise<{ errors: ProjectError[] }>;
  recoverStep(id: string, stepKey: string, body: RecoverStepBody): Promise<unknown>;
  /** Checkpoints of the project's run, newest first. */
  listCheckpoints(id: string): Promise<{ checkpoints: CheckpointInfo[] }>;
  /** Rolls the project back to a checkpoint, or forks a new project from it (the detail returned). */
  rollback(id: string, body: RollbackBody): Promise<ProjectDetail>;
  listApprovals(query?: ApprovalQuery): Promise<ApprovalPage>;
  getApproval(id: string): Promise<Approval>;
  /** A second decision is a 409 `approval/already_decided`; a late one `approval/expired`. */
  decideApproval(id: string, decision: Decision, notes?: string): Promise<Approval>;
  bulkDecide(ids: string[], decision: Decision, notes?: string): Promise<BulkDecideResult>;
  /** What needs the current person: pending approvals and steps assigned to people. */
  getInbox(): Promise<Inbox>;
  /** Any JSON endpoint, parsed with `schema` (domain helpers such as api/workforce build on it). */
  request<S extends z.ZodType>(method: HttpMethod, path: string, schema: S, body?: unknown): Promise<z.output<S>>;
}

/** The contracts type these responses inline; their schemas live here. */
const PlanVersionListSchema = z.object({ versions: z.array(PlanVersionSchema) });
const StepListSchema = z.object({ steps: z.array(ProjectStepSchema) });
const ErrorListSchema = z.object({ errors: z.array(ProjectErrorSchema) });
const CheckpointListSchema = z.object({ checkpoints: z.array(CheckpointInfoSchema) });

// The inbox is parsed with the contracts' schema, the same one the API answers with.
export { InboxSchema, type Inbox };
export type { InboxHumanStep } from '@orchestrator/contracts';

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
    const { code, message, issues, details } = parsed.data.error;
    return new ApiError({ code, message, status, issues, details });
  }
  // A proxy or crashed server answered instead of the API: say so rather than show raw HTML.
  return new ApiError({
    code: status >= 500 ? 'http/server_error' : 'http/unexpected_status',
    message: `The server answered with HTTP ${status}.`,
    status,
  });
}

/** Reads a body up to `maxBytes` (plus at most one chunk, to know whether more follows). */
async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) {
    const all = new Uint8Array(await response.arrayBuffer());
    return { bytes: all.slice(0, maxBytes), truncated: all.byteLength > maxBytes };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total > maxBytes) {
      truncated = true;
      // Stop the download: the rest never reaches the page.
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const bytes = new Uint8Array(Math.min(total, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.byteLength, bytes.byteLength - offset);
    bytes.set(chunk.subarray(0, take), offset);
    offset += take;
    if (offset >= bytes.byteLength) break;
  }
  return { bytes, truncated };
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';

  function failed(status: number, body: unknown): ApiError {
    const error = errorFromResponse(status, body);
    if (error.code === 'auth/unauthenticated') options.onUnauthenticated?.(error);
    return error;
  }

  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      // Looked up at call time so tests (and polyfills) can replace the global.
      return await globalThis.fetch(`${baseUrl}${path}`, { ...init, credentials: 'same-origin' });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      const detail = cause instanceof Error ? `: ${cause.message}` : '';
      throw new ApiError({
        code: 'network/unreachable',
        message: `Could not reach the server${detail}. Check your connection and try again.`,
        status: 0,
      });
    }
  }

  async function request<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const response = await send(path, {
      method,
      headers: {
        Accept: 'application/json',
        // Every change is sent as JSON, even without a body: the server refuses other media types
        // there, which a cross-site form cannot forge (docs/security.md).
        ...(body === undefined && method === 'GET' ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    const payload = await readJson(response);
    if (!response.ok) throw failed(response.status, payload);

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
  const project = (id: string) => `/api/projects/${enc(id)}`;
  const resultPath = (id: string, stepKey: string) => `${project(id)}/steps/${enc(stepKey)}/result`;

  async function getStepResult(
    id: string,
    stepKey: string,
    opts: { maxBytes: number; signal?: AbortSignal },
  ): Promise<StepResultChunk> {
    const response = await send(resultPath(id, stepKey), {
      method: 'GET',
      headers: { Accept: 'text/markdown, text/plain, application/json;q=0.9, */*;q=0.5' },
      signal: opts.signal,
    });
    if (!response.ok) throw failed(response.status, await readJson(response));
    const length = Number(response.headers.get('Content-Length'));
    const { bytes, truncated } = await readCapped(response, opts.maxBytes);
    // `fatal: false`: a multi-byte character cut at the cap becomes one replacement character.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return {
      text,
      contentType: response.headers.get('Content-Type') ?? 'text/plain',
      loadedBytes: bytes.byteLength,
      totalBytes: Number.isFinite(length) && length > 0 ? length : truncated ? null : bytes.byteLength,
      truncated,
    };
  }

  return {
    getSystem: () => request('GET', '/api/system', SystemInfoSchema),
    listConversations: (query = {}) =>
      request(
        'GET',
        `/api/conversations${queryString({ limit: query.limit, cursor: query.cursor, q: query.q })}`,
        ConversationPageSchema,
      ),
    createConversation: (body = {}) => request('POST', '/api/conversations', ConversationSchema, body),
    getConversation: (id) => request('GET', `/api/conversations/${enc(id)}`, ConversationSchema),
    renameConversation: (id, title) =>
      request('PATCH', `/api/conversations/${enc(id)}`, ConversationSchema, { title } satisfies RenameConversationBody),
    deleteConversation: async (id) => {
      await request('DELETE', `/api/conversations/${enc(id)}`, z.unknown());
    },
    listMessages: (id, query = {}) =>
      request(
        'GET',
        `/api/conversations/${enc(id)}/messages${queryString({ after: query.after, limit: query.limit })}`,
        MessageListSchema,
      ),
    sendMessage: (id, content) =>
      request('POST', `/api/conversations/${enc(id)}/messages`, SendMessageResponseSchema, { content }),
    retryReply: (id, messageId) =>
      request('POST', `/api/conversations/${enc(id)}/messages/${enc(messageId)}/retry`, SendMessageResponseSchema),
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
    controlProject: (id, control, reason) =>
      request('POST', `${project(id)}/${control}`, ProjectDetailSchema, reason ? { reason } : {}),
    listSteps: (id) => request('GET', `${project(id)}/steps`, StepListSchema),
    stepResultUrl: (id, stepKey) => `${baseUrl}${resultPath(id, stepKey)}`,
    getStepResult,
    listErrors: (id) => request('GET', `${project(id)}/errors`, ErrorListSchema),
    recoverStep: (id, stepKey, body) =>
      request('POST', `${project(id)}/steps/${enc(stepKey)}/recover`, z.unknown(), body),
    listCheckpoints: (id) => request('GET', `${project(id)}/checkpoints`, CheckpointListSchema),
    rollback: (id, body) => request('POST', `${project(id)}/rollback`, ProjectDetailSchema, body),
    listApprovals: (query = {}) =>
      request(
        'GET',
        `/api/approvals${queryString({
          status: query.status,
          projectId: query.projectId,
          riskLevel: query.riskLevel,
          department: query.department,
          limit: query.limit,
          cursor: query.cursor,
        })}`,
        ApprovalPageSchema,
      ),
    getApproval: (id) => request('GET', `/api/approvals/${enc(id)}`, ApprovalSchema),
    decideApproval: (id, decision, notes) =>
      request('POST', `/api/approvals/${enc(id)}/decision`, ApprovalSchema, notes ? { decision, notes } : { decision }),
    bulkDecide: (ids, decision, notes) =>
      request(
        'POST',
        '/api/approvals/bulk-decision',
        BulkDecideResultSchema,
        notes ? { ids, decision, notes } : { ids, decision },
      ),
    getInbox: () => request('GET', '/api/inbox', InboxSchema),
    request,
  };
}

/** The app's client; stores use this one. Its 401s reach whoever listens with `onSessionExpired`. */
export const api: ApiClient = createApiClient({ onUnauthenticated: (error) => sessionExpired(error) });
