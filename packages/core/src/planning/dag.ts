import { PlanSchema, type Plan, type PlanStep } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import type { PlanIssue } from './types.js';

interface Node {
  id: string;
  dependsOn: readonly string[];
}

/** First cycle found (ids in dependency order, first id repeated at the end), or null. */
export function findCycle(steps: readonly Node[]): string[] | null {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    const mark = state.get(id);
    if (mark === 'done') return null;
    if (mark === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const s of steps) {
    const found = visit(s.id);
    if (found) return found;
  }
  return null;
}

/** Ids in dependency order; ties keep the listed order. Assumes no cycle (cyclic rest appended). */
export function topoOrder(steps: readonly Node[]): string[] {
  const ids = new Set(steps.map((s) => s.id));
  const done = new Set<string>();
  const out: string[] = [];
  let progressed = true;
  while (progressed && out.length < steps.length) {
    progressed = false;
    for (const s of steps) {
      if (done.has(s.id)) continue;
      if (s.dependsOn.every((d) => done.has(d) || !ids.has(d))) {
        done.add(s.id);
        out.push(s.id);
        progressed = true;
        break;
      }
    }
  }
  for (const s of steps) if (!done.has(s.id)) out.push(s.id);
  return out;
}

/** Every step that must finish before `id` (same level, transitive). */
export function ancestorsOf(steps: readonly Node[], id: string): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const queue = [...(byId.get(id)?.dependsOn ?? [])];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(byId.get(next)?.dependsOn ?? []));
  }
  return seen;
}

const qualify = (prefix: string, id: string): string => (prefix ? `${prefix}/${id}` : id);

function checkLevel(steps: readonly PlanStep[], prefix: string, registry: AgentRegistry, issues: PlanIssue[]): void {
  const where = prefix ? ` in subproject "${prefix}"` : '';
  const seen = new Set<string>();
  for (const s of steps) {
    if (seen.has(s.id))
      issues.push({
        code: 'plan/duplicate_step',
        message: `Step id "${s.id}" is used more than once${where}.`,
        stepIds: [qualify(prefix, s.id)],
      });
    seen.add(s.id);
  }
  for (const s of steps) {
    const id = qualify(prefix, s.id);
    for (const dep of s.dependsOn) {
      if (!seen.has(dep)) {
        issues.push({
          code: 'plan/dangling_dependency',
          message: `Step "${s.name}" (${id}) depends on "${dep}", which is not a step${where}.`,
          stepIds: [id, qualify(prefix, dep)],
        });
      }
    }
    if (s.assignedAgent !== null) {
      const agent = registry.get(s.assignedAgent);
      if (!agent) {
        issues.push({
          code: 'plan/unknown_agent',
          message: `Step "${s.name}" (${id}) is assigned to "${s.assignedAgent}", which is not an agent in the registry.`,
          stepIds: [id],
        });
      } else if (s.capability !== null && !agent.definition.capabilities.includes(s.capability)) {
        issues.push({
          code: 'plan/capability_mismatch',
          message: `Step "${s.name}" (${id}) needs "${s.capability}", which ${s.assignedAgent} does not have.`,
          stepIds: [id],
        });
      }
    }
    if (s.type === 'subproject') {
      if (!s.steps || s.steps.length === 0) {
        issues.push({
          code: 'plan/subproject_without_steps',
          message: `Subproject "${s.name}" (${id}) has no steps.`,
          stepIds: [id],
        });
      } else {
        checkLevel(s.steps, id, registry, issues);
      }
    } else if (s.steps !== undefined) {
      issues.push({
        code: 'plan/unexpected_substeps',
        message: `Step "${s.name}" (${id}) has nested steps but is not a subproject.`,
        stepIds: [id],
      });
    }
  }
  const cycle = findCycle(steps);
  if (cycle) {
    const ids = cycle.map((c) => qualify(prefix, c));
    issues.push({
      code: 'plan/cycle',
      message: `Dependencies form a cycle: ${ids.join(' → ')}.`,
      stepIds: [...new Set(ids)],
    });
  }
}

/** Schema, DAG (per level), ids and registry checks; the same gate serves template and LLM plans. */
export function validatePlan(plan: Plan, registry: AgentRegistry): { ok: boolean; errors: PlanIssue[] } {
  const errors: PlanIssue[] = [];
  const parsed = PlanSchema.safeParse(plan);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.push({
        code: 'plan/schema',
        message: `${issue.path.join('.') || '(plan)'}: ${issue.message}`,
        stepIds: stepIdsAt(plan, issue.path),
      });
    }
  }
  if (Array.isArray(plan.steps)) checkLevel(plan.steps, '', registry, errors);
  return { ok: errors.length === 0, errors };
}

/** The step a zod issue path points into (e.g. steps.2.steps.0.name → "sub/inner"). */
function stepIdsAt(plan: Plan, path: readonly PropertyKey[]): string[] {
  let level: readonly PlanStep[] | undefined = plan.steps;
  const ids: string[] = [];
  for (let i = 0; i + 1 < path.length; i += 2) {
    if (path[i] !== 'steps' || typeof path[i + 1] !== 'number' || !level) break;
    const step: PlanStep | undefined = level[path[i + 1] as number];
    if (!step) break;
    ids.push(String(step.id));
    level = step.steps;
  }
  return ids.length ? [ids.join('/')] : [];
}
