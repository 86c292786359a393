import type { AgentSummary } from '@orchestrator/contracts';
import { agent } from './factories';

/** A company shaped like the real one: CEO → five chiefs → 15 managers → specialists, `total` agents in all. */
export function company(total: number): AgentSummary[] {
  const out: AgentSummary[] = [agent({ name: 'ceo', title: 'Chief Executive Officer', type: 'orchestrator' })];
  const chiefs = ['cto', 'cfo', 'cmo', 'coo', 'chro'];
  for (const c of chiefs)
    out.push(agent({ name: c, title: c.toUpperCase(), type: 'orchestrator', reportsTo: 'ceo', department: c }));
  const managers = Array.from({ length: 15 }, (_, i) => ({
    name: `manager_${i}`,
    department: chiefs[i % chiefs.length]!,
  }));
  for (const [i, m] of managers.entries()) {
    out.push(
      agent({
        name: m.name,
        title: `Manager ${i}`,
        type: 'orchestrator',
        reportsTo: chiefs[i % chiefs.length]!,
        department: m.department,
      }),
    );
  }
  for (let i = 0; out.length < total; i += 1) {
    const manager = managers[i % managers.length]!;
    out.push(
      agent({
        name: `specialist_${i}`,
        title: `Specialist ${i}`,
        reportsTo: manager.name,
        department: manager.department,
      }),
    );
  }
  return out;
}
