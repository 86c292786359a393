import type { AgentDefinition } from '@orchestrator/contracts';
import type { InvalidAgent, LoadedAgent, RegistryLoadResult } from './load.js';

/** Read-only view of the loaded workforce with the hierarchy queries the orchestrator needs. */
export class AgentRegistry {
  private readonly byName: ReadonlyMap<string, LoadedAgent>;
  private readonly reports: ReadonlyMap<string, readonly LoadedAgent[]>;

  constructor(
    readonly agents: readonly LoadedAgent[],
    readonly invalid: readonly InvalidAgent[] = [],
  ) {
    this.byName = new Map(agents.map((a) => [a.definition.name, a]));
    const reports = new Map<string, LoadedAgent[]>();
    for (const a of agents) {
      const boss = a.definition.reportsTo;
      if (boss) reports.set(boss, [...(reports.get(boss) ?? []), a]);
    }
    this.reports = reports;
  }

  static from(result: RegistryLoadResult): AgentRegistry {
    return new AgentRegistry(result.agents, result.invalid);
  }

  get size(): number {
    return this.agents.length;
  }

  get(name: string): LoadedAgent | undefined {
    return this.byName.get(name);
  }

  root(): LoadedAgent | undefined {
    return this.agents.find((a) => a.definition.reportsTo === null);
  }

  directReports(name: string): readonly LoadedAgent[] {
    return this.reports.get(name) ?? [];
  }

  /** Everyone below `name`, breadth first. */
  allReports(name: string): LoadedAgent[] {
    const out: LoadedAgent[] = [];
    const queue = [...this.directReports(name)];
    while (queue.length > 0) {
      const next = queue.shift()!;
      out.push(next);
      queue.push(...this.directReports(next.definition.name));
    }
    return out;
  }

  manager(name: string): LoadedAgent | undefined {
    const boss = this.byName.get(name)?.definition.reportsTo;
    return boss ? this.byName.get(boss) : undefined;
  }

  /** Names from the top of the organisation down to `name`, inclusive. */
  chain(name: string): string[] {
    const path: string[] = [];
    let current: string | null | undefined = name;
    while (current && !path.includes(current)) {
      path.unshift(current);
      current = this.byName.get(current)?.definition.reportsTo;
    }
    return path;
  }

  departments(): string[] {
    return [...new Set(this.agents.map((a) => a.definition.department))].sort();
  }

  inDepartment(department: string): LoadedAgent[] {
    return this.agents.filter((a) => a.definition.department === department);
  }

  /** The orchestrator that leads a department (the one its other members report up to). */
  departmentLead(department: string): LoadedAgent | undefined {
    const members = this.inDepartment(department);
    return members.find(
      (a) => a.definition.type === 'orchestrator' && !members.some((m) => m.definition.name === a.definition.reportsTo),
    );
  }
}

export type { AgentDefinition };
