import type { ExecStep } from '../../execution/flatten.js';
import type { RunContext, StepOutcome } from '../../execution/ports.js';
import type { AgentRegistry } from '../../registry/registry.js';
import type { ExecutionGraphDeps } from '../execution/deps.js';
import type { StepFailure } from '../execution/state.js';
import type { StepAgentBuilds } from './deps.js';

export type BuildStepResult = { kind: 'done'; outcome: StepOutcome } | { kind: 'failed'; failure: StepFailure };

/**
 * A `build_agent` step: makes sure its build exists, waits (an `agent_development` pause) until
 * it is deployed, then completes with a result naming the new agent. A build that was rejected
 * or failed becomes an ordinary failure, so the person can retry (build again), reassign, skip
 * or abort with the reason in front of them.
 */
export async function runBuildAgentStep(
  deps: ExecutionGraphDeps & { agentBuilds: StepAgentBuilds },
  ctx: RunContext,
  exec: ExecStep,
  request: string,
  reassignedTo: string | null,
  idempotencyKey: string,
  approvalId: string | null,
): Promise<BuildStepResult> {
  const step = exec.step;
  const save = async (content: string, agent: string) =>
    ({
      kind: 'done',
      outcome: await deps.store.saveResult(
        ctx,
        exec.key,
        { content, contentType: 'text/markdown', agent, work: 'human', approvalId, contextVersion: null },
        idempotencyKey,
      ),
    }) as const;
  if (reassignedTo)
    return save(
      `“${step.name}” uses the existing agent \`${reassignedTo}\` instead of a new one (reassigned by a person).`,
      reassignedTo,
    );
  const build = await deps.agentBuilds.ensureForStep(ctx, {
    stepKey: exec.key,
    name: step.name,
    description: step.description,
    capability: step.capability,
    department: step.department,
    request,
  });
  if (build.status === 'deployed' && build.agentName) {
    const agent = deps.registry().get(build.agentName);
    const title = agent ? `${agent.definition.title} (\`${build.agentName}\`)` : `\`${build.agentName}\``;
    return save(
      `Built, validated and deployed ${title}${step.capability ? ` for ${step.capability}` : ''} after approval (build ${build.id}). Steps that need it now run on it.`,
      build.agentName,
    );
  }
  if (build.status === 'rejected' || build.status === 'failed' || build.status === 'cancelled') {
    const message = `The agent build for “${step.name}” was ${build.status}${build.error ? `: ${build.error}` : ''}. Retry to build it again, reassign the step to an existing agent, skip it, or abort.`;
    const errorId = await deps.store.recordError(ctx, exec.key, {
      category: 'agent_unavailable',
      severity: 'high',
      message,
      attempt: 0,
    });
    await deps.store.setStepStatus(ctx, exec.key, 'failed');
    return { kind: 'failed', failure: { errorId, category: 'agent_unavailable', message } };
  }
  await deps.store.setStepStatus(ctx, exec.key, 'waiting_for_agent');
  // An expected wait, not a fault: said as what is happening, without internal ids.
  const message = `“${step.name}” waits for its new agent${step.capability ? ` (${step.capability.replace(/_/g, ' ')})` : ''}: it is being drafted, checked and then approved by a person (now: ${build.status.replace(/_/g, ' ')}).`;
  const errorId = await deps.store.recordError(ctx, exec.key, {
    category: 'agent_unavailable',
    severity: 'low',
    message,
    attempt: 0,
  });
  return {
    kind: 'failed',
    failure: { errorId, category: 'agent_unavailable', message, agentDevelopment: true, capability: step.capability },
  };
}

/** A step planned before its agent existed (`assignedAgent: null`): whoever has the capability now. */
export function agentWithCapability(
  registry: AgentRegistry,
  capability: string | null,
  department: string | null,
): string | null {
  if (!capability) return null;
  const able = registry.agents.filter(
    (a) => a.definition.type !== 'orchestrator' && a.definition.capabilities.includes(capability),
  );
  const dept = department?.startsWith('new:') ? department.slice(4) : department;
  return (able.find((a) => a.definition.department === dept) ?? able[0])?.definition.name ?? null;
}
