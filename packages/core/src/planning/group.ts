import { departmentLabel, type PlanStep } from '@orchestrator/contracts';
import type { AgentRegistry } from '../registry/registry.js';
import { findCycle, topoOrder } from './dag.js';
import { toMinutes } from './duration.js';
import { uniqueId } from './text.js';
import type { DraftStep } from './types.js';

/** Departments that own a subproject; `new:<area>` (an agent still to build) and null stay at the top. */
export const isOwningDepartment = (d: string | null): d is string => d !== null && !d.startsWith('new:');

interface Unit {
  key: string;
  department: string | null;
  members: string[];
  deps: Set<string>;
  start: number;
  finish: number;
  sealed: boolean;
}

/**
 * Groups cross-department work into one subproject per department, in dependency order. A step
 * joins an existing subproject of its department only if that creates no cycle between
 * subprojects, does not delay work already in it, and does not delay subprojects waiting for it;
 * otherwise the department gets another phase. Phases are merged back afterwards where that
 * costs little time (MERGE_TOLERANCE). Plans with fewer than two departments stay flat.
 */
export function groupByDepartment(
  steps: readonly DraftStep[],
  registry: AgentRegistry,
): { steps: PlanStep[]; grouped: boolean } {
  const departments = new Set(steps.map((s) => s.department).filter(isOwningDepartment));
  if (departments.size < 2) return { steps: steps.map((s) => ({ ...s, dependsOn: [...s.dependsOn] })), grouped: false };

  const byId = new Map(steps.map((s) => [s.id, s]));
  const minutes = (id: string): number => toMinutes(byId.get(id)!.estimatedDuration);
  const units = new Map<string, Unit>();
  const unitOf = new Map<string, string>();
  const phases = new Map<string, Unit[]>();
  const taken = new Set(steps.map((s) => s.id));

  const closure = (key: string): Set<string> => {
    const seen = new Set<string>();
    const queue = [...(units.get(key)?.deps ?? [])];
    while (queue.length) {
      const k = queue.pop()!;
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(...(units.get(k)?.deps ?? []));
      }
    }
    return seen;
  };
  const length = (members: readonly string[]): number => {
    const inside = new Set(members);
    const finish = new Map<string, number>();
    for (const id of members) {
      const start = Math.max(
        0,
        ...byId
          .get(id)!
          .dependsOn.filter((d) => inside.has(d))
          .map((d) => finish.get(d) ?? 0),
      );
      finish.set(id, start + minutes(id));
    }
    return Math.max(0, ...finish.values());
  };
  const addUnit = (key: string, department: string | null, id: string, deps: Set<string>): Unit => {
    const start = Math.max(0, ...[...deps].map((d) => units.get(d)!.finish));
    const unit: Unit = { key, department, members: [id], deps, start, finish: start + minutes(id), sealed: false };
    for (const d of deps) units.get(d)!.sealed = true;
    units.set(key, unit);
    unitOf.set(id, key);
    return unit;
  };

  for (const id of topoOrder(steps)) {
    const step = byId.get(id)!;
    const depUnits = new Set(step.dependsOn.map((d) => unitOf.get(d)).filter((u): u is string => u !== undefined));
    const dept = step.department;
    if (!isOwningDepartment(dept)) {
      addUnit(id, dept, id, depUnits);
      continue;
    }
    /** The units `g` would newly wait for if the step joined it, or null if joining is not allowed. */
    const joinCost = (g: Unit): { added: string[]; finish: number } | null => {
      const reach = closure(g.key);
      const added = [...depUnits].filter((u) => u !== g.key && !reach.has(u));
      if (added.some((u) => closure(u).has(g.key))) return null; // a cycle between subprojects
      if (added.some((u) => units.get(u)!.finish > g.start)) return null; // delays work already in g
      const finish = g.start + length([...g.members, id]);
      return g.sealed && finish > g.finish ? null : { added, finish }; // delays whoever waits for g
    };
    const target = (phases.get(dept) ?? []).map((g) => ({ g, cost: joinCost(g) })).find((x) => x.cost !== null);
    if (target?.cost) {
      const { g, cost } = target;
      g.members.push(id);
      for (const u of cost.added) {
        g.deps.add(u);
        units.get(u)!.sealed = true;
      }
      g.finish = cost.finish;
      unitOf.set(id, g.key);
      continue;
    }
    const key = uniqueId(dept.replace(/[^a-z0-9_-]/g, '_'), taken);
    taken.add(key);
    phases.set(dept, [...(phases.get(dept) ?? []), addUnit(key, dept, id, depUnits)]);
  }

  const phaseKeys = new Map([...phases].map(([d, list]) => [d, list.map((u) => u.key)]));
  mergePhases(units, phaseKeys, length);
  // Phases renumbered after merging: marketing, marketing_2, …
  const rename = new Map<string, string>();
  const used = new Set(steps.map((s) => s.id));
  for (const [dept, keys] of phaseKeys) {
    keys.forEach((k, i) => {
      const base = dept.replace(/[^a-z0-9_-]/g, '_');
      const key = uniqueId(i === 0 ? base : `${base}_${i + 1}`, used);
      used.add(key);
      rename.set(k, key);
    });
  }
  const keyOf = (k: string): string => rename.get(k) ?? k;

  const top: PlanStep[] = [];
  for (const unit of units.values()) {
    if (unit.department === null || !isOwningDepartment(unit.department)) {
      const s = byId.get(unit.members[0]!)!;
      top.push({ ...s, dependsOn: [...unit.deps].map(keyOf) });
      continue;
    }
    const inside = new Set(unit.members);
    const keys = phaseKeys.get(unit.department)!;
    const label = departmentLabel(unit.department);
    const name = keys.length > 1 ? `${label} (phase ${keys.indexOf(unit.key) + 1})` : label;
    const inner: PlanStep[] = unit.members.map((id) => {
      const s = byId.get(id)!;
      return { ...s, dependsOn: s.dependsOn.filter((d) => inside.has(d)) };
    });
    top.push({
      id: keyOf(unit.key),
      name,
      description: `${label} work: ${inner.map((s) => s.name).join('; ')}.`.slice(0, 4000),
      type: 'subproject',
      department: unit.department,
      dependsOn: [...unit.deps].map(keyOf),
      assignedAgent: registry.departmentLead(unit.department)?.definition.name ?? null,
      assignedHuman: null,
      collaboration: null,
      capability: null,
      riskLevel: 'low',
      estimatedDuration: { value: 1, unit: 'days' },
      steps: inner,
    });
  }
  return { steps: top, grouped: true };
}

/** Longest path through the units, each as long as its own critical path. */
function planLength(units: Map<string, Unit>, length: (members: readonly string[]) => number): number | null {
  const nodes = [...units.values()].map((u) => ({ id: u.key, dependsOn: [...u.deps] }));
  if (findCycle(nodes)) return null;
  const finish = new Map<string, number>();
  for (const key of topoOrder(nodes)) {
    const u = units.get(key)!;
    finish.set(key, Math.max(0, ...[...u.deps].map((d) => finish.get(d) ?? 0)) + length(u.members));
  }
  return Math.max(0, ...finish.values());
}

/**
 * A department split into many phases is hard to follow: folding a later phase into an earlier
 * one is worth a little time. Merges stay acyclic and within this much of the unmerged plan.
 */
const MERGE_TOLERANCE = 0.15;

/** Folds later phases of a department into earlier ones while the plan stays acyclic and barely longer. */
function mergePhases(
  units: Map<string, Unit>,
  phases: Map<string, string[]>,
  length: (members: readonly string[]) => number,
): void {
  const limit = (planLength(units, length) ?? Infinity) * (1 + MERGE_TOLERANCE);
  for (const keys of phases.values()) {
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        const a = units.get(keys[i]!)!;
        const b = units.get(keys[j]!)!;
        const trial = new Map([...units].map(([k, u]) => [k, { ...u, deps: new Set(u.deps) }]));
        const merged = trial.get(a.key)!;
        merged.members = [...a.members, ...b.members];
        merged.deps = new Set([...a.deps, ...b.deps].filter((d) => d !== a.key && d !== b.key));
        trial.delete(b.key);
        for (const u of trial.values()) if (u.deps.delete(b.key) && u.key !== a.key) u.deps.add(a.key);
        const total = planLength(trial, length);
        if (total === null || total > limit) continue;
        units.clear();
        for (const [k, u] of trial) units.set(k, u);
        keys.splice(j, 1);
        j--;
      }
    }
  }
}
