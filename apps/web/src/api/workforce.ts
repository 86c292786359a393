import {
  AgentBuildPageSchema,
  AgentBuildSchema,
  AgentDetailSchema,
  AgentDiffSchema,
  AgentImprovementListSchema,
  AgentImprovementSchema,
  AgentMetricsListSchema,
  AgentTemplateListSchema,
  AgentVersionConflictSchema,
  AgentVersionPageSchema,
  AgentVersionSchema,
  RetireAgentResultSchema,
  type AgentBuild,
  type AgentBuildPage,
  type AgentDetail,
  type AgentDiff,
  type AgentImprovement,
  type AgentMetricsList,
  type AgentTemplate,
  type AgentVersion,
  type AgentVersionConflict,
  type AgentVersionPage,
  type CreateAgentBuildBody,
  type RestoreAgentVersionBody,
  type RetireAgentResult,
  type SaveAgentContextBody,
  type SaveAgentDefinitionBody,
} from '@orchestrator/contracts';
import { api as defaultClient, type ApiClient } from './client';
import type { ApiError } from './errors';

export interface WorkforceApi {
  getMetrics(): Promise<AgentMetricsList>;
  getAgent(name: string): Promise<AgentDetail>;
  /** A 409 `agent/version_conflict` carries an AgentVersionConflict in `details`. */
  saveContext(name: string, body: SaveAgentContextBody): Promise<AgentDetail>;
  saveDefinition(name: string, body: SaveAgentDefinitionBody): Promise<AgentDetail>;
  restoreVersion(name: string, body: RestoreAgentVersionBody): Promise<AgentDetail>;
  listVersions(name: string, query?: { limit?: number; cursor?: string | null }): Promise<AgentVersionPage>;
  getVersion(name: string, version: number): Promise<AgentVersion>;
  getDiff(name: string, from: number, to: number): Promise<AgentDiff>;
  listTemplates(): Promise<{ templates: AgentTemplate[] }>;
  createBuild(body: CreateAgentBuildBody): Promise<AgentBuild>;
  listBuilds(query?: { limit?: number; cursor?: string | null }): Promise<AgentBuildPage>;
  getBuild(id: string): Promise<AgentBuild>;
  /** Stops a build that has not been deployed yet. */
  cancelBuild(id: string, reason?: string): Promise<AgentBuild>;
  listImprovements(name: string): Promise<{ improvements: AgentImprovement[] }>;
  proposeImprovement(name: string, feedback: string): Promise<AgentImprovement>;
  getImprovement(id: string): Promise<AgentImprovement>;
  restoreImprovement(id: string): Promise<AgentImprovement>;
  retire(name: string, reason: string): Promise<RetireAgentResult>;
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function createWorkforceApi(client: ApiClient = defaultClient): WorkforceApi {
  const agent = (name: string) => `/api/agents/${enc(name)}`;
  return {
    getMetrics: () => client.request('GET', '/api/agents/metrics', AgentMetricsListSchema),
    getAgent: (name) => client.request('GET', agent(name), AgentDetailSchema),
    saveContext: (name, body) => client.request('PUT', `${agent(name)}/context`, AgentDetailSchema, body),
    saveDefinition: (name, body) => client.request('PUT', `${agent(name)}/definition`, AgentDetailSchema, body),
    restoreVersion: (name, body) => client.request('POST', `${agent(name)}/restore`, AgentDetailSchema, body),
    listVersions: (name, q = {}) =>
      client.request(
        'GET',
        `${agent(name)}/versions${query({ limit: q.limit, cursor: q.cursor })}`,
        AgentVersionPageSchema,
      ),
    getVersion: (name, version) => client.request('GET', `${agent(name)}/versions/${version}`, AgentVersionSchema),
    getDiff: (name, from, to) => client.request('GET', `${agent(name)}/diff${query({ from, to })}`, AgentDiffSchema),
    listTemplates: () => client.request('GET', '/api/agent-templates', AgentTemplateListSchema),
    createBuild: (body) => client.request('POST', '/api/agent-builds', AgentBuildSchema, body),
    listBuilds: (q = {}) =>
      client.request('GET', `/api/agent-builds${query({ limit: q.limit, cursor: q.cursor })}`, AgentBuildPageSchema),
    getBuild: (id) => client.request('GET', `/api/agent-builds/${enc(id)}`, AgentBuildSchema),
    cancelBuild: (id, reason) =>
      client.request('POST', `/api/agent-builds/${enc(id)}/cancel`, AgentBuildSchema, reason ? { reason } : {}),
    listImprovements: (name) => client.request('GET', `${agent(name)}/improvements`, AgentImprovementListSchema),
    proposeImprovement: (name, feedback) =>
      client.request('POST', `${agent(name)}/improvements`, AgentImprovementSchema, { feedback }),
    getImprovement: (id) => client.request('GET', `/api/improvements/${enc(id)}`, AgentImprovementSchema),
    restoreImprovement: (id) =>
      client.request('POST', `/api/improvements/${enc(id)}/restore`, AgentImprovementSchema, {}),
    retire: (name, reason) => client.request('POST', `${agent(name)}/retire`, RetireAgentResultSchema, { reason }),
  };
}

/** The app's workforce endpoints; stores use this one. */
export const workforceApi: WorkforceApi = createWorkforceApi();

/** The conflict carried by a 409 `agent/version_conflict`, or null for any other error. */
export function versionConflictOf(error: ApiError): AgentVersionConflict | null {
  if (error.code !== 'agent/version_conflict') return null;
  const parsed = AgentVersionConflictSchema.safeParse(error.details);
  return parsed.success ? parsed.data : null;
}
