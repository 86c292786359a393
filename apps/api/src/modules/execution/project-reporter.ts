import { Injectable } from '@nestjs/common';
import type { Message } from '@orchestrator/contracts';
import { projectReportText } from '@orchestrator/core';
import type { PoolClient } from '@orchestrator/db';
import { ProjectReportsRepository } from '../conversations/project-reports.repository.js';
import { ReportFactsRepository } from './report-facts.repository.js';

/**
 * Tells the conversation a project was planned in how it ended, in the transaction that ends it:
 * the end and its report commit together (or neither does), and a second write is a no-op.
 */
@Injectable()
export class ProjectReporter {
  constructor(
    private readonly facts: ReportFactsRepository,
    private readonly messages: ProjectReportsRepository,
  ) {}

  /** The report message written, or null (nothing to report, or reported already). Publish it after the commit. */
  async writeIn(tx: Pick<PoolClient, 'query'>, workspaceId: string, projectId: string): Promise<Message | null> {
    const ended = await this.facts.endedIn(tx, workspaceId, projectId);
    if (!ended) return null;
    const { report } = ended;
    return this.messages.appendIn(tx, workspaceId, {
      conversationId: ended.conversationId,
      projectId,
      status: report.status,
      content: projectReportText(report),
    });
  }
}
