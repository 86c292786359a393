import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's real `agents/` folder: tests run against the shipped workforce. */
export const SHIPPED_AGENTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../agents');

export interface AgentFixture {
  name: string;
  department?: string;
  reportsTo?: string | null;
  type?: 'orchestrator' | 'context';
  title?: string;
  /** Raw agent.yaml text, replacing the generated one. */
  yaml?: string;
  context?: string | Buffer;
}

export function agentYaml(f: AgentFixture): string {
  return [
    `name: ${f.name}`,
    `title: ${f.title ?? f.name.replace(/_/g, ' ')}`,
    `department: ${f.department ?? 'engineering'}`,
    `type: ${f.type ?? 'context'}`,
    `reportsTo: ${f.reportsTo === undefined ? 'boss' : f.reportsTo === null ? 'null' : f.reportsTo}`,
    'description: Does things.',
    'capabilities: [thing_doing, other_thing]',
    'risk:',
    '  default: low',
  ].join('\n');
}

/** Writes a small agents/ tree to a temp folder. */
export async function writeAgentsDir(agents: AgentFixture[]): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'orch-agents-'));
  for (const a of agents) {
    const dir = path.join(root, a.department ?? 'engineering', a.name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'agent.yaml'), a.yaml ?? agentYaml(a));
    await writeFile(path.join(dir, 'Context.md'), a.context ?? `# ${a.name}\n\n## Role\nA role.`);
  }
  return root;
}
