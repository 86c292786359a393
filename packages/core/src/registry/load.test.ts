import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_AGENTS_DIR, writeAgentsDir } from '../testing/fixtures.js';
import { CONTEXT_MD_MAX_BYTES, loadAgentRegistry } from './load.js';
import { AgentRegistry } from './registry.js';

const boss = { name: 'boss', reportsTo: null, type: 'orchestrator' as const };

describe('loadAgentRegistry', () => {
  it('should load the whole shipped workforce when every file is valid', async () => {
    const result = await loadAgentRegistry(SHIPPED_AGENTS_DIR);
    expect(result.problems).toEqual([]);
    expect(result.agents).toHaveLength(34);
    expect(result.agents.filter((a) => a.definition.type === 'orchestrator')).toHaveLength(9);
    const registry = AgentRegistry.from(result);
    expect(registry.root()?.definition.name).toBe('ceo_orchestrator');
    expect(registry.directReports('cfo_orchestrator').map((a) => a.definition.name)).toEqual([
      'finance_manager_orchestrator',
    ]);
  });

  it('should report the path and the exact field when one agent.yaml is invalid, and load the rest', async () => {
    const root = await writeAgentsDir([
      boss,
      { name: 'good' },
      {
        name: 'bad',
        yaml: 'name: bad\ntitle: Bad\ndepartment: engineering\ntype: wizard\nreportsTo: boss\ndescription: x\ncapabilities: [a_b]\nrisk:\n  default: low\n',
      },
    ]);
    const result = await loadAgentRegistry(root);
    expect(result.agents.map((a) => a.definition.name).sort()).toEqual(['boss', 'good']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.path).toBe(path.join(root, 'engineering', 'bad', 'agent.yaml'));
    expect(result.problems[0]!.message).toMatch(/^type: /);
  });

  it('should report a YAML syntax error without throwing', async () => {
    const root = await writeAgentsDir([boss, { name: 'broken', yaml: 'name: broken\ntitle: [unclosed\n' }]);
    const result = await loadAgentRegistry(root);
    expect(result.agents.map((a) => a.definition.name)).toEqual(['boss']);
    expect(result.invalid[0]!.name).toBe('broken');
    expect(result.problems[0]!.message).toMatch(/invalid YAML/);
  });

  it('should reject unknown keys and custom YAML tags', async () => {
    const root = await writeAgentsDir([
      boss,
      {
        name: 'typo',
        yaml: `name: typo\ntitle: T\ndepartment: engineering\ntype: context\nreportsTo: boss\ndescription: d\ncapabilities: [a_b]\nrisk:\n  default: low\ncapabilties: [x]\n`,
      },
      { name: 'tagged', yaml: `name: !!js/function "function(){}"\n` },
    ]);
    const result = await loadAgentRegistry(root);
    expect(result.agents.map((a) => a.definition.name)).toEqual(['boss']);
    expect(result.problems.find((p) => p.path.includes('typo'))!.message).toMatch(/capabilties/);
    expect(result.problems.find((p) => p.path.includes('tagged'))).toBeDefined();
  });

  it('should refuse a Context.md that is not valid UTF-8 or is empty', async () => {
    const root = await writeAgentsDir([
      boss,
      { name: 'binary', context: Buffer.from([0xff, 0xfe, 0x00, 0xc3]) },
      { name: 'empty', context: '   ' },
    ]);
    const result = await loadAgentRegistry(root);
    expect(result.agents.map((a) => a.definition.name)).toEqual(['boss']);
    expect(result.problems.map((p) => p.message).join('\n')).toMatch(
      /cannot read Context.md: .*(decode|encoded|invalid)/i,
    );
    expect(result.problems.map((p) => p.message)).toContain('Context.md is empty');
  });

  it('should mark agents with an unknown manager or a reporting cycle as invalid', async () => {
    const root = await writeAgentsDir([
      boss,
      { name: 'orphan', reportsTo: 'ghost' },
      { name: 'loop_a', reportsTo: 'loop_b' },
      { name: 'loop_b', reportsTo: 'loop_a' },
      { name: 'under_orphan', reportsTo: 'orphan' },
    ]);
    const result = await loadAgentRegistry(root);
    expect(result.agents.map((a) => a.definition.name)).toEqual(['boss']);
    const messages = Object.fromEntries(result.invalid.map((i) => [i.name, i.problems[0]!.message]));
    expect(messages.orphan).toMatch(/"ghost" is not a known/);
    expect(messages.loop_a).toMatch(/cycle/);
    expect(messages.under_orphan).toMatch(/"orphan" is not a known/);
  });

  it('should require the folder name to equal the agent name', async () => {
    const root = await writeAgentsDir([
      boss,
      {
        name: 'folder_name',
        yaml: `name: other_name\ntitle: T\ndepartment: engineering\ntype: context\nreportsTo: boss\ndescription: d\ncapabilities: [a_b]\nrisk:\n  default: low\n`,
      },
    ]);
    const result = await loadAgentRegistry(root);
    expect(result.problems[0]!.message).toMatch(/must equal the folder name "folder_name"/);
  });

  it('should require index.ts when an agent is function-based', async () => {
    const fnYaml = (name: string) =>
      `name: ${name}\ntitle: T\ndepartment: engineering\ntype: function\nreportsTo: boss\ndescription: d\ncapabilities: [a_b]\nrisk:\n  default: low\n`;
    const root = await writeAgentsDir([
      boss,
      { name: 'no_module', yaml: fnYaml('no_module') },
      { name: 'with_module', yaml: fnYaml('with_module') },
    ]);
    await writeFile(path.join(root, 'engineering', 'with_module', 'index.ts'), 'export default {};\n');
    const result = await loadAgentRegistry(root);
    expect(result.agents.map((a) => a.definition.name).sort()).toEqual(['boss', 'with_module']);
    expect(result.problems).toEqual([
      {
        path: path.join(root, 'engineering', 'no_module', 'index.ts'),
        message: 'index.ts is required for function-based agents',
      },
    ]);
  });

  it('should change the content hash of a function agent when only its index.ts changes', async () => {
    const fnYaml = `name: calc\ntitle: T\ndepartment: engineering\ntype: function\nreportsTo: boss\ndescription: d\ncapabilities: [a_b]\nrisk:\n  default: low\n`;
    const root = await writeAgentsDir([boss, { name: 'calc', yaml: fnYaml }]);
    const modulePath = path.join(root, 'engineering', 'calc', 'index.ts');
    const hashOf = async () =>
      (await loadAgentRegistry(root)).agents.find((a) => a.definition.name === 'calc')!.contentHash;
    await writeFile(modulePath, 'export default { version: 1 };\n');
    const first = await hashOf();
    expect(await hashOf()).toBe(first);
    await writeFile(modulePath, 'export default { version: 2 };\n');
    expect(await hashOf()).not.toBe(first);
  });

  it('should mark an agent invalid with a clear error when Context.md holds NUL or is over the limit', async () => {
    const root = await writeAgentsDir([
      boss,
      { name: 'nul', context: '# Role\nhidden\u0000byte' },
      { name: 'huge', context: 'x'.repeat(CONTEXT_MD_MAX_BYTES + 1) },
    ]);
    const result = await loadAgentRegistry(root);
    expect(result.agents.map((a) => a.definition.name)).toEqual(['boss']);
    const messages = Object.fromEntries(result.invalid.map((i) => [i.name, i.problems[0]!.message]));
    expect(messages.nul).toMatch(/control character U\+0000 on line 2/);
    expect(messages.huge).toMatch(
      new RegExp(
        `cannot read Context.md: file is ${CONTEXT_MD_MAX_BYTES + 1} bytes; the limit is ${CONTEXT_MD_MAX_BYTES}`,
      ),
    );
  });

  it('should keep the definition from agent.yaml when Context.md has front matter that tries to change it', async () => {
    const root = await writeAgentsDir([
      boss,
      {
        name: 'sneaky',
        context:
          '---\nname: boss\ntype: function\nreportsTo: null\nrisk:\n  default: critical\n---\n# Role\n<script>x()</script>',
      },
    ]);
    const result = await loadAgentRegistry(root);
    const sneaky = result.agents.find((a) => a.definition.name === 'sneaky')!;
    expect(sneaky.definition).toMatchObject({ type: 'context', reportsTo: 'boss', risk: { default: 'low' } });
    expect(sneaky.contextMd.startsWith('---\nname: boss')).toBe(true);
    expect(sneaky.warnings).toEqual([expect.stringMatching(/<script>/), expect.stringMatching(/front matter/)]);
  });
});
