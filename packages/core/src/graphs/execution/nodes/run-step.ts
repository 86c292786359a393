import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { executeAgent } from '../../../delegation/execute.js';
import { routeTask } from '../../../delegation/router.js';
import { checkBeforeAgent } from '../../../execution/budgets.js';
import { agentWithCapability, runBuildAgentStep } from '../../agent-creation/step.js';
import { recordAgentOutcome } from '../../../execution/circuit-breaker.js';
import { backoffMs, classifyExecutionError, StepError } from '../../../execution/errors.js';
import type { ExecStep } from '../../../execution/flatten.js';
import { needsApproval } from '../../../execution/policy.js';
import type { ExecutionInterrupt, ExecutionResume, RunContext, StepOutcome } from '../../../execution/ports.js';
import { acquireWhenFree } from '../../../delegation/capacity.js';
import { DEFAULT_CAPACITY_WAIT_MS, projectThreadId, RunHeld, type ExecutionGraphDeps } from '../deps.js';
import type { ExecutionUpdate, RunStepInput } from '../state.js';
import { runContextOf } from './schedule.js';

const outcome = (stepKey: string, o: StepOutcome): ExecutionUpdate => ({ done: { [stepKey]: o } });

/**
 * The run's own records (its store, loads, circuit) could not be read or written — the database is
 * down, say. That is no fault of the agent's, so the step neither fails nor retries: the run ends
 * with the error and is picked up again from its last checkpoint (docs/operations.md, "Database
 * outages"); the step's result is saved under its idempotency key, so it is never stored twice.
 */
class BookkeepingFailed extends Error {
  override readonly name = 'BookkeepingFailed';
  constructor(override readonly cause: unknown) {
    super('The run could not keep its records.');
  }
}
const bookkeeping = <T>(work: Promise<T>): Promise<T> =>
  work.catch((err: unknown) => {
    throw new BookkeepingFailed(err);
  });

function taskText(exec: ExecStep, request: string): string {
  return [`${exec.step.name}`, exec.step.description, '', `This step belongs to the project: ${request}`]
    .filter(Boolean)
    .join('\n');
}

/** An agent's title as people know it ("ROI Calculator"), not its key. */
const agentTitle = (deps: ExecutionGraphDeps, name: string | null): string | null =>
  name ? (deps.registry().get(name)?.definition.title ?? name) : null;

/** The approval gate (`needsApproval`: autonomy × risk): one interrupt, with only idempotent writes before it. */
async function gate(
  deps: ExecutionGraphDeps,
  ctx: RunContext,
  exec: ExecStep,
  gateKey: string,
): Promise<{ approvalId: string | null; rejected?: string }> {
  const run = await deps.store.loadPolicy(ctx);
  const autonomy = (exec.step.department && run.autonomy[exec.step.department]) || run.defaultAutonomy;
  if (!needsApproval(exec.step, autonomy)) return { approvalId: null };
  await deps.store.setStepStatus(ctx, exec.key, 'pending_approval');
  const approval = await deps.approvals.request({
    ...ctx,
    threadId: projectThreadId(ctx.projectId),
    gateKey,
    stepKey: exec.key,
    stepName: exec.step.name,
    agent: exec.step.assignedAgent,
    department: exec.step.department,
    action: exec.step.type === 'human_approval' ? 'human_approval' : 'run_step',
    riskLevel: exec.step.riskLevel,
    preview: {
      summary:
        exec.step.type === 'human_approval'
          ? `Approve “${exec.step.name}” so the project can continue.`
          : `${agentTitle(deps, exec.step.assignedAgent) ?? 'An agent'} will run “${exec.step.name}”.`,
      // Only what a person reads to decide, in words: no ids, nothing empty.
      details: {
        ...(exec.step.description ? { description: exec.step.description } : {}),
      },
    },
  });
  if (approval.preApproved) return { approvalId: approval.id };
  const answer = interrupt<ExecutionInterrupt, ExecutionResume>({
    kind: 'approval',
    approvalId: approval.id,
    stepKey: exec.key,
  });
  if (answer.kind === 'decision' && answer.decision === 'reject') {
    return {
      approvalId: approval.id,
      rejected: `Rejected${answer.decidedBy ? ` by ${answer.decidedBy}` : ''}${answer.notes ? `: ${answer.notes}` : ''}`,
    };
  }
  return { approvalId: approval.id };
}

/**
 * Runs one step of a project: gate, then the assigned agent with retries (exponential backoff +
 * jitter), then an alternative agent with the same capability; a failure that remains goes back
 * to `schedule` for a person. Results are stored once per idempotency key, so a re-run after a
 * crash returns the stored outcome instead of acting again.
 */
export const runStepNode =
  (deps: ExecutionGraphDeps) =>
  async (input: RunStepInput, config: LangGraphRunnableConfig): Promise<ExecutionUpdate> => {
    const ctx = runContextOf(config, deps);
    const { exec } = input;
    const finished = await deps.store.finishedOutcome(ctx, exec.key);
    if (finished) return outcome(exec.key, finished);
    await deps.startTurn?.(ctx, input.batch ?? 1);
    // Stopped meanwhile (cancel, abort): the step does not begin.
    config.signal?.throwIfAborted();
    if (deps.holding?.(ctx)) throw new RunHeld();
    const round = input.retry?.round ?? 0;
    if (exec.step.type === 'build_agent' && deps.agentBuilds) {
      // The build asks for its own approval (the drafted agent and its validation): no step gate on top.
      const built = await runBuildAgentStep(
        { ...deps, agentBuilds: deps.agentBuilds },
        ctx,
        exec,
        input.request,
        input.retry?.agent ?? null,
        `${ctx.projectId}:${exec.key}:v${input.planVersion}:r${round}`,
        null,
      );
      return built.kind === 'done' ? outcome(exec.key, built.outcome) : { failures: { [exec.key]: built.failure } };
    }
    const { approvalId, rejected } = await gate(deps, ctx, exec, `${exec.key}:v${input.planVersion}:r${round}`);
    const fail = (failure: {
      errorId: string | null;
      category: StepError['category'];
      message: string;
      agentDevelopment?: boolean;
      capability?: string | null;
    }): ExecutionUpdate => ({ failures: { [exec.key]: failure } });
    if (rejected) {
      const errorId = await deps.store.recordError(ctx, exec.key, {
        category: 'permission',
        severity: 'medium',
        message: rejected,
        attempt: 0,
      });
      await deps.store.setStepStatus(ctx, exec.key, 'failed');
      return fail({ errorId, category: 'permission', message: rejected });
    }
    const idempotencyKey = `${ctx.projectId}:${exec.key}:v${input.planVersion}:r${round}`;
    if (exec.step.type === 'human_approval') {
      return outcome(
        exec.key,
        await deps.store.saveResult(
          ctx,
          exec.key,
          {
            content: `Approved by a person (${exec.step.name}).`,
            contentType: 'text/markdown',
            agent: 'human',
            work: 'human',
            approvalId,
            contextVersion: null,
          },
          idempotencyKey,
        ),
      );
    }
    if (exec.step.type === 'build_agent' || exec.step.type === 'improve_agent') {
      // Building agents is its own workflow; until it exists a person decides (skip, reassign, abort).
      await deps.store.setStepStatus(ctx, exec.key, 'waiting_for_agent');
      const message = `“${exec.step.name}” needs a new agent (${exec.step.capability ?? 'capability'}) to be built and approved first.`;
      const errorId = await deps.store.recordError(ctx, exec.key, {
        category: 'agent_unavailable',
        severity: 'medium',
        message,
        attempt: 0,
      });
      return fail({
        errorId,
        category: 'agent_unavailable',
        message,
        agentDevelopment: true,
        capability: exec.step.capability,
      });
    }
    const registry = deps.registry();
    const tried: string[] = [];
    // A step planned before its agent existed runs on whoever has the capability now (a built agent).
    let agentName =
      input.retry?.agent ??
      exec.step.assignedAgent ??
      agentWithCapability(registry, exec.step.capability, exec.step.department);
    let lastError: { id: string; category: StepError['category']; message: string } | undefined;
    for (let round = 0; round < 2 && agentName; round++) {
      tried.push(agentName);
      // A run or budget limit stops the step for a person; an open circuit skips this agent.
      const checked = await checkBeforeAgent(
        deps.guard,
        ctx,
        { agent: agentName, department: exec.step.department, stepKey: exec.key },
        input.retry?.round ?? 0,
      );
      const blocked = checked.block;
      if (blocked?.kind === 'budget') {
        const errorId = await deps.store.recordError(ctx, exec.key, {
          category: 'budget',
          severity: 'high',
          message: blocked.message,
          attempt: 0,
        });
        await deps.store.setStepStatus(ctx, exec.key, 'failed');
        return fail({ errorId, category: 'budget', message: blocked.message });
      }
      let circuit = checked.circuit;
      if (blocked)
        lastError = {
          id: await deps.store.recordError(ctx, exec.key, {
            category: 'agent_unavailable',
            severity: 'medium',
            message: blocked.message,
            attempt: 0,
          }),
          category: 'agent_unavailable',
          message: blocked.message,
        };
      for (let attempt = 1; !blocked && attempt <= deps.maxAttempts; attempt++) {
        try {
          const agent = registry.get(agentName);
          if (!agent) throw new StepError('agent_unavailable', `Agent ${agentName} is not in the registry.`);
          if (
            !(await bookkeeping(
              acquireWhenFree(deps, ctx.workspaceId, agentName, deps.capacityWaitMs ?? DEFAULT_CAPACITY_WAIT_MS),
            ))
          )
            throw new StepError('agent_unavailable', `${agent.definition.title} stayed at full capacity.`, 'low');
          try {
            await bookkeeping(
              deps.store.setStepStatus(ctx, exec.key, attempt === 1 ? 'running' : 'retrying', {
                attempt,
                agent: agentName,
              }),
            );
            const result = await executeAgent(deps, config, agent, taskText(exec, input.request), {
              usage: { workspaceId: ctx.workspaceId, projectId: ctx.projectId, stepKey: exec.key },
              delegatedBy: `the project “${input.request.slice(0, 80)}”`,
              priorResults: () => bookkeeping(deps.store.priorResults(ctx, exec.dependsOn)),
            });
            if (result.kind === 'needs_input') throw new StepError('validation', result.question);
            await bookkeeping(recordAgentOutcome(deps.guard, ctx, agentName, { ok: true }, circuit));
            return outcome(
              exec.key,
              await bookkeeping(
                deps.store.saveResult(
                  ctx,
                  exec.key,
                  {
                    // The pieces, not `text`: a large result is stored without ever being joined.
                    content: result.parts,
                    contentType: 'text/markdown',
                    agent: agentName,
                    work: result.work,
                    approvalId,
                    contextVersion: agent.version ?? null,
                  },
                  idempotencyKey,
                ),
              ),
            );
          } finally {
            await bookkeeping(deps.loads.release(ctx.workspaceId, agentName));
          }
        } catch (err) {
          // The run was cancelled: nothing more is recorded or tried for this step.
          if (config.signal?.aborted) throw err;
          if (err instanceof BookkeepingFailed) throw err.cause;
          const c = classifyExecutionError(err);
          circuit = await recordAgentOutcome(
            deps.guard,
            ctx,
            agentName,
            { ok: false, category: c.category, message: c.message },
            circuit,
          );
          const id = await deps.store.recordError(ctx, exec.key, {
            category: c.category,
            severity: c.severity,
            message: c.message,
            attempt,
          });
          lastError = { id, category: c.category, message: c.message };
          const transient = c.retryable || c.category === 'agent_unavailable';
          if (!transient || attempt === deps.maxAttempts) break;
          await deps.sleep(backoffMs(attempt, deps.backoffBaseMs, deps.backoffCapMs));
        }
      }
      // An alternative with the same capability gets one chance before a person is asked.
      const loads = await deps.loads.snapshot(ctx.workspaceId);
      const alt = routeTask({
        task: `${exec.step.capability ?? ''} ${exec.step.name}`,
        registry,
        index: deps.index(),
        loads,
        exclude: tried,
      });
      const altAgent = alt && registry.get(alt.agent);
      agentName =
        altAgent &&
        altAgent.definition.type !== 'orchestrator' &&
        exec.step.capability &&
        altAgent.definition.capabilities.includes(exec.step.capability)
          ? alt.agent
          : null;
    }
    await deps.store.setStepStatus(ctx, exec.key, 'failed');
    if (!lastError) {
      const message = `No agent can run “${exec.step.name}”${exec.step.capability ? ` (needs ${exec.step.capability})` : ''}.`;
      const errorId = await deps.store.recordError(ctx, exec.key, {
        category: 'agent_unavailable',
        severity: 'high',
        message,
        attempt: 0,
      });
      return fail({ errorId, category: 'agent_unavailable', message });
    }
    return fail({ errorId: lastError.id, category: lastError.category, message: lastError.message });
  };
