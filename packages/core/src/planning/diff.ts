import type { Plan, PlanDiff, PlanStep } from '@orchestrator/contracts';
import { formatDuration } from './duration.js';

type Field = PlanDiff['changed'][number]['fields'][number];

const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  type: 'type',
  department: 'department',
  estimatedDuration: 'duration',
  assignedAgent: 'agent',
  assignedHuman: 'person',
  collaboration: 'collaboration',
  capability: 'capability',
  dependsOn: 'depends on',
  riskLevel: 'risk',
  description: 'description',
};

const show = (v: string | null): string => v ?? 'none';

/** A step's dependencies by name, as a person reads them (ids are the plan's internals). */
const dependencyNames = (s: PlanStep, names: ReadonlyMap<string, string>): string =>
  s.dependsOn.length
    ? s.dependsOn
        .map((id) => names.get(id) ?? id)
        .sort((x, y) => x.localeCompare(y))
        .join(', ')
    : 'none';

function fieldsOf(s: PlanStep, names: ReadonlyMap<string, string>): Record<string, string> {
  return {
    name: s.name,
    type: s.type,
    department: show(s.department),
    estimatedDuration: formatDuration(s.estimatedDuration),
    assignedAgent: show(s.assignedAgent),
    assignedHuman: show(s.assignedHuman),
    collaboration: show(s.collaboration),
    capability: show(s.capability),
    dependsOn: dependencyNames(s, names),
    riskLevel: s.riskLevel,
    description: s.description,
  };
}

function diffLevel(before: PlanStep[], after: PlanStep[], prefix: string, out: PlanDiff): void {
  const q = (id: string) => (prefix ? `${prefix}/${id}` : id);
  const old = new Map(before.map((s) => [s.id, s]));
  const now = new Map(after.map((s) => [s.id, s]));
  const oldNames = new Map(before.map((s) => [s.id, s.name]));
  const newNames = new Map(after.map((s) => [s.id, s.name]));
  for (const s of after) {
    if (!old.has(s.id)) {
      out.added.push(q(s.id));
      out.summary.push(`Added: ${s.name}`);
    }
  }
  for (const s of before) {
    if (!now.has(s.id)) {
      out.removed.push(q(s.id));
      out.summary.push(`Removed: ${s.name}`);
    }
  }
  for (const s of after) {
    const prev = old.get(s.id);
    if (!prev) continue;
    const a = fieldsOf(prev, oldNames);
    const b = fieldsOf(s, newNames);
    const fields: Field[] = Object.keys(b)
      .filter((k) => a[k] !== b[k])
      .map((k) => ({ field: k, before: a[k]!, after: b[k]! }));
    if (fields.length) {
      out.changed.push({ stepId: q(s.id), fields });
      for (const f of fields) {
        if (f.field === 'description') continue;
        out.summary.push(
          `${f.field === 'name' ? f.before : s.name}: ${FIELD_LABELS[f.field]} ${f.before} → ${f.after}`,
        );
      }
    }
    if (prev.steps || s.steps) diffLevel(prev.steps ?? [], s.steps ?? [], q(s.id), out);
  }
}

/** Added, removed and changed steps (nested ones as `subprojectId/stepId`), with one summary line per change. */
export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const out: PlanDiff = { added: [], removed: [], changed: [], summary: [] };
  if (before.title !== after.title) out.summary.push(`Title: ${before.title} → ${after.title}`);
  diffLevel(before.steps, after.steps, '', out);
  const [a, b] = [before.criticalPath, after.criticalPath];
  if (formatDuration(a.display) !== formatDuration(b.display))
    out.summary.push(`Critical path: ${formatDuration(a.display)} → ${formatDuration(b.display)}`);
  return out;
}
