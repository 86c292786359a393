import {
  ApprovalDetailSchema,
  ApproveRemainingResultSchema,
  type ApprovalDetail,
  type ApproveRemainingResult,
  type StandingRisk,
} from '@orchestrator/contracts';
import { api as defaultClient, type ApiClient } from './client';

export interface ApprovalsApi {
  /** One approval with what a person needs to decide it: its inputs, who asked, what comes next. */
  getDetail(id: string): Promise<ApprovalDetail>;
  /** Approves the project's waiting steps at `maxRisk` or below now, and its later ones as they are reached. */
  approveRemaining(projectId: string, maxRisk: StandingRisk, notes?: string): Promise<ApproveRemainingResult>;
}

const enc = encodeURIComponent;

export function createApprovalsApi(client: Pick<ApiClient, 'request'> = defaultClient): ApprovalsApi {
  return {
    getDetail: (id) => client.request('GET', `/api/approvals/${enc(id)}`, ApprovalDetailSchema),
    approveRemaining: (projectId, maxRisk, notes) =>
      client.request(
        'POST',
        `/api/projects/${enc(projectId)}/approvals/approve-remaining`,
        ApproveRemainingResultSchema,
        notes ? { maxRisk, notes } : { maxRisk },
      ),
  };
}

/** The app's approval endpoints beyond the queue's; stores use this one. */
export const approvalsApi: ApprovalsApi = createApprovalsApi();
