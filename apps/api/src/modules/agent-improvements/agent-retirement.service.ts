import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AgentSummarySchema, type RetireAgentResult } from '@orchestrator/contracts';
import { routeTask, type AgentRegistry, type LoadedAgent } from '@orchestrator/core';
import { AppError } from '../../common/app-error.js';
import { AgentLoadRepository } from '../agents/agent-load.repository.js';
import { AgentRegistryService } from '../agents/agent-registry.service.js';
import { AgentWorkspaceService } from '../agents/agent-workspace.service.js';
import { AuditRepository, personEntry } from '../audit/audit.repository.js';
import { AgentImprovementsRepository } from './agent-improvements.repository.js';
import { AgentRetirementRepository, type PendingStep, type Reassignment } from './agent-retirement.repository.js';

/** Retired agents' folders go here: a dot folder, which the registry loader never reads. */
export const RETIRED_DIR = '.retired';

/**
 * Retiring an agent (docs/workforce.md#retiring-an-agent). Its files are kept under
 * `agents/.retired/<department>/<name>/` (the loader skips dot folders, so a reload or restart
 * never brings it back; its versions stay in the database and its name stays taken). Its unfinished
 * steps move to the best agent with the same capability, or are left unassigned with a note. The
 * top of the organisation and managers with direct reports are refused: who they report to must be
 * decided by a person first.
 */
@Injectable()
export class AgentRetirementService {
  private readonly logger = new Logger('AgentRetirement');

  constructor(
    private readonly registry: AgentRegistryService,
    private readonly workspace: AgentWorkspaceService,
    private readonly loads: AgentLoadRepository,
    private readonly repository: AgentRetirementRepository,
    private readonly improvements: AgentImprovementsRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Retires `name` for the person `by`, whose audit entry commits with the reassignments. */
  async retire(
    workspaceId: string,
    name: string,
    reason: string,
    by: { userId: string; name: string },
  ): Promise<RetireAgentResult> {
    let reassigned: Reassignment[] = [];
    await this.registry.exclusive(async () => {
      const registry = this.registry.current();
      const agent = registry.get(name);
      if (!agent) throw new AppError('agent/not_found', `Agent ${name} does not exist or is already retired.`);
      this.assertRetirable(registry, agent);
      const open = await this.improvements.openFor(workspaceId, name);
      if (open)
        throw new AppError(
          'agent/cannot_retire',
          `${agent.definition.title} has an improvement waiting for a decision (${open.improvement.id}); approve or reject it first, then retire the agent.`,
        );
      const loads = await this.loads.snapshot(workspaceId);
      const pending = await this.repository.pendingWork(workspaceId, name);
      reassigned = pending.map((step) => this.reassignment(registry, agent, step, loads, reason));
      const from = path.join(this.registry.agentsDir(), agent.sourcePath);
      const to = this.retiredPath(agent.sourcePath);
      await this.repository.reassign(workspaceId, name, reassigned, async (db) => {
        await this.audit.append(db, [
          personEntry({ workspaceId, userId: by.userId }, 'agent.retire', {
            targetType: 'agent',
            targetId: name,
            department: agent.definition.department,
            details: { reason, reassigned: reassigned.length },
          }),
        ]);
        await mkdir(path.dirname(to), { recursive: true });
        // Last step before commit: if the move fails, no step was reassigned either.
        await rename(from, to);
      });
      this.logger.log(
        {
          agent: name,
          by: by.name,
          reason,
          reassigned: reassigned.length,
          files: path.relative(this.registry.agentsDir(), to),
        },
        'agent retired',
      );
      // The mirror marks agents whose folder is gone as retired (rows and history are kept).
      await this.registry.reloadNow();
    });
    const detail = await this.workspace.detail(workspaceId, name);
    return {
      agent: AgentSummarySchema.parse(detail),
      reassigned: reassigned.map(({ projectId, stepKey, to }) => ({ projectId, stepKey, to })),
    };
  }

  private assertRetirable(registry: AgentRegistry, agent: LoadedAgent): void {
    const d = agent.definition;
    if (d.reportsTo === null)
      throw new AppError('agent/cannot_retire', `${d.title} is the top of the organisation; it cannot be retired.`);
    const reports = registry.directReports(d.name).map((r) => r.definition.name);
    if (reports.length > 0) {
      throw new AppError(
        'agent/cannot_retire',
        `${d.title} manages ${reports.join(', ')}. Decide who they report to first (set their reportsTo, e.g. to ${d.reportsTo}), then retire ${d.name}.`,
        undefined,
        { directReports: reports, suggestedManager: d.reportsTo },
      );
    }
  }

  /**
   * The best other agent for the step: routing by the step's text and capability, accepted only
   * when it has that capability (or, for a step without one, shares one with the retired agent).
   */
  private reassignment(
    registry: AgentRegistry,
    retired: LoadedAgent,
    step: PendingStep,
    loads: Awaited<ReturnType<AgentLoadRepository['snapshot']>>,
    reason: string,
  ): Reassignment {
    const needed = step.capability ? [step.capability] : retired.definition.capabilities;
    const capable = (a: LoadedAgent | undefined) =>
      !!a &&
      a.definition.name !== retired.definition.name &&
      a.definition.type !== 'orchestrator' &&
      a.definition.capabilities.some((c) => needed.includes(c));
    const routed = routeTask({
      task: `${step.capability ?? ''} ${step.name} ${step.description}`.trim(),
      registry,
      index: this.registry.index(),
      loads,
      exclude: [retired.definition.name],
    });
    let to = routed && capable(registry.get(routed.agent)) ? routed.agent : null;
    if (!to) {
      // Routing ranks by text; an agent with the exact capability is still a fit when the text ranks it low.
      const ratio = (n: string) => {
        const l = loads.get(n);
        return l ? l.load / Math.max(1, l.maxConcurrent) : 0;
      };
      to =
        registry.agents
          .filter(capable)
          .map((a) => a.definition.name)
          .sort((a, b) => ratio(a) - ratio(b) || a.localeCompare(b))[0] ?? null;
    }
    const why = `${retired.definition.title} was retired (${reason})`;
    const note = to
      ? `“${step.name}” moved from ${retired.definition.name} to ${to}: ${why}.`
      : `“${step.name}” has no agent: ${why} and no other agent has ${step.capability ? `the capability ${step.capability}` : 'its capabilities'}. Assign it (or build an agent) before it runs.`;
    return { projectId: step.projectId, stepKey: step.stepKey, to, note };
  }

  /** `.retired/<department>/<name>`, or with a timestamp when that name was retired before. */
  private retiredPath(sourcePath: string): string {
    const base = path.join(this.registry.agentsDir(), RETIRED_DIR, sourcePath);
    return existsSync(base) ? `${base}-${new Date().toISOString().replace(/[:.]/g, '-')}` : base;
  }
}
