import { Injectable } from '@nestjs/common';
import type { PlanVersion, ProjectDetail, ProjectPage, ProjectStatus, ProjectSummary } from '@orchestrator/contracts';
import { diffPlans } from '@orchestrator/core';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { ProjectsRepository } from './projects.repository.js';

/** Called once an approval has started the project (it is `running`). */
export type ApprovedListener = (ctx: RequestContext, project: ProjectSummary) => Promise<void>;

@Injectable()
export class ProjectsService {
  private readonly approvedListeners = new Set<ApprovedListener>();

  constructor(
    private readonly repository: ProjectsRepository,
    private readonly publisher: RealtimePublisher,
  ) {}

  list(ctx: RequestContext, limit: number, status?: ProjectStatus, cursor?: string): Promise<ProjectPage> {
    return this.repository.list(ctx.workspaceId, limit, status, cursor);
  }

  /** The project's summary, or 404: one indexed read, for endpoints that only need it to exist. */
  async summary(ctx: RequestContext, id: string): Promise<ProjectSummary> {
    const summary = await this.repository.summary(ctx.workspaceId, id);
    if (!summary) throw new AppError('project/not_found', `Project ${id} does not exist.`);
    return summary;
  }

  /** The current plan and its diff from the previous version. */
  async detail(ctx: RequestContext, id: string): Promise<ProjectDetail> {
    const summary = await this.summary(ctx, id);
    return detailOf(summary, await this.repository.versions(ctx.workspaceId, id, 2));
  }

  async versions(ctx: RequestContext, id: string) {
    await this.summary(ctx, id);
    return { versions: await this.repository.versions(ctx.workspaceId, id) };
  }

  /** Lets the execution engine run approved plans (Plan → Approve → Act). */
  onApproved(listener: ApprovedListener): void {
    this.approvedListeners.add(listener);
  }

  /** Approves the plan and starts the project; the answer shows the started project and its plan. */
  async approve(ctx: RequestContext, id: string, version: number): Promise<ProjectDetail> {
    const { summary, versions } = await this.repository.approve(ctx.workspaceId, id, version, ctx.userId);
    for (const listener of this.approvedListeners) await listener(ctx, summary);
    this.publisher.projectUpdated(ctx.workspaceId, summary);
    return detailOf(summary, versions);
  }
}

/** A project with its current plan and that plan's diff from the previous version (versions newest first). */
function detailOf(summary: ProjectSummary, [current, previous]: PlanVersion[]): ProjectDetail {
  return {
    ...summary,
    plan: current ?? null,
    diff: current && previous ? diffPlans(previous.plan, current.plan) : null,
  };
}
