import { Injectable } from '@nestjs/common';
import type { ProjectDetail, ProjectPage, ProjectStatus, ProjectSummary } from '@orchestrator/contracts';
import { diffPlans } from '@orchestrator/core';
import { AppError } from '../../common/app-error.js';
import type { RequestContext } from '../../common/request-context.js';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { ProjectsRepository } from './projects.repository.js';

export type ApprovedListener = (ctx: RequestContext, project: ProjectSummary) => Promise<ProjectSummary | void>;

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
    const [current, previous] = await this.repository.versions(ctx.workspaceId, id, 2);
    return {
      ...summary,
      plan: current ?? null,
      diff: current && previous ? diffPlans(previous.plan, current.plan) : null,
    };
  }

  async versions(ctx: RequestContext, id: string) {
    await this.summary(ctx, id);
    return { versions: await this.repository.versions(ctx.workspaceId, id) };
  }

  /** Lets the execution engine start approved plans (Plan → Approve → Act). */
  onApproved(listener: ApprovedListener): void {
    this.approvedListeners.add(listener);
  }

  async approve(ctx: RequestContext, id: string, version: number): Promise<ProjectDetail> {
    let summary: ProjectSummary = await this.repository.approve(ctx.workspaceId, id, version, ctx.userId);
    for (const listener of this.approvedListeners) summary = (await listener(ctx, summary)) ?? summary;
    this.publisher.projectUpdated(ctx.workspaceId, summary);
    return this.detail(ctx, id);
  }
}
