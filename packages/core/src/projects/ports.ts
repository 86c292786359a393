import type { Plan, ProjectSummary } from '@orchestrator/contracts';

export interface NewProjectPlan {
  workspaceId: string;
  conversationId: string;
  userId: string | null;
  plan: Plan;
  changeSummary: string;
}

export interface PlanRevision {
  workspaceId: string;
  projectId: string;
  /** The version the revision was made from: a newer stored version makes this fail. */
  baseVersion: number;
  plan: Plan;
  changeSummary: string;
  author: string;
}

export interface CurrentPlan {
  projectId: string;
  version: number;
  plan: Plan;
  summary: ProjectSummary;
}

/** Port: project and plan-version persistence (the API implements it over Postgres). */
export interface ProjectStore {
  /** Creates the project in `awaiting_plan_approval` with plan version 1. */
  createWithPlan(input: NewProjectPlan): Promise<CurrentPlan>;
  /** Stores a new plan version; refuses when the project is no longer awaiting approval. */
  revisePlan(input: PlanRevision): Promise<CurrentPlan>;
  current(workspaceId: string, projectId: string): Promise<CurrentPlan | undefined>;
}
