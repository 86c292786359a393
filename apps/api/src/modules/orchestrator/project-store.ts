import { Injectable } from '@nestjs/common';
import type { CurrentPlan, NewProjectPlan, PlanRevision, ProjectStore } from '@orchestrator/core';
import { RealtimePublisher } from '../../realtime/realtime.publisher.js';
import { ProjectsRepository } from '../projects/projects.repository.js';

/** The core's ProjectStore: the repository, plus `project.updated` once each write commits. */
@Injectable()
export class ProjectStoreAdapter implements ProjectStore {
  constructor(
    private readonly repository: ProjectsRepository,
    private readonly publisher: RealtimePublisher,
  ) {}

  async createWithPlan(input: NewProjectPlan): Promise<CurrentPlan> {
    const created = await this.repository.createWithPlan(input);
    this.publisher.projectUpdated(input.workspaceId, created.summary);
    return created;
  }

  async revisePlan(input: PlanRevision): Promise<CurrentPlan> {
    const revised = await this.repository.revisePlan(input);
    this.publisher.projectUpdated(input.workspaceId, revised.summary);
    return revised;
  }

  current(workspaceId: string, projectId: string): Promise<CurrentPlan | undefined> {
    return this.repository.current(workspaceId, projectId);
  }
}
