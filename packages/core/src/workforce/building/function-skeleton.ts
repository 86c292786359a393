import type { AgentSpec } from './types.js';

/** The zod schema of the skeleton's input, shared by index.ts and schema.ts so they cannot drift. */
const SCHEMA_EXPRESSION = `z.object({
    csv: z.string().min(1, 'the CSV table is empty'),
    delimiter: z.enum([',', ';', '\\t', '|']).optional(),
  })`;

/** schema.ts: the input schema on its own, for review and for validating sample inputs. */
export function inputSchemaSource(spec: AgentSpec): string {
  return `import type { InjectedZod } from '@orchestrator/core';

/** Input of ${spec.name}: the same schema its index.ts declares. */
export const inputSchema = (z: InjectedZod) =>
  ${SCHEMA_EXPRESSION};
`;
}

/**
 * index.ts of a function-based agent drafted from the data transformation template: a working
 * CSV cleaner (headers to snake_case, cells trimmed, blank and duplicate rows dropped) that the
 * person who approves it can extend. No runtime imports: zod and the CSV helpers are passed in.
 */
export function moduleSource(spec: AgentSpec): string {
  return `import type { FunctionAgentModule, InjectedZod } from '@orchestrator/core';

// ${spec.title}: drafted by the agent builder from the data transformation template.
// Loaded from the agents folder at run time, so it has no runtime imports (see docs/agent-definition.md).

interface CleanInput {
  csv: string;
  delimiter?: ',' | ';' | '\\t' | '|';
}

interface CleanData {
  headers: string[];
  rows: string[][];
  dropped: { blank: number; duplicate: number };
}

const inputSchema = (z: InjectedZod) =>
  ${SCHEMA_EXPRESSION};

const header = (h: string, i: number): string => h.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || \`column_\${i + 1}\`;
const cell = (c: string): string => c.trim().replace(/\\s+/g, ' ');
const escape = (c: string): string => c.replace(/\\|/g, '\\\\|');

const agent: FunctionAgentModule<CleanInput, CleanData> = {
  inputSchema,
  parseTask(task, ctx) {
    const csv = ctx.helpers.csv.extract(task);
    if (!csv) return { missing: ['csv'], question: 'Paste the table to clean as CSV (in a \`\`\`csv block or as comma-separated lines).' };
    return { input: { csv } };
  },
  run(input, ctx) {
    const parsed = ctx.helpers.csv.parse(input.csv, input.delimiter);
    if ('error' in parsed) throw new Error(\`The CSV cannot be read: \${parsed.error}\`);
    const [head, ...body] = parsed.rows;
    if (!head) throw new Error('The CSV has no header row.');
    const headers = head.cells.map(header);
    const seen = new Set<string>();
    const rows: string[][] = [];
    let blank = 0;
    let duplicate = 0;
    for (const r of body) {
      const cells = headers.map((_, i) => cell(r.cells[i] ?? ''));
      if (cells.every((c) => c === '')) {
        blank++;
        continue;
      }
      const key = JSON.stringify(cells.map((c) => c.toLowerCase()));
      if (seen.has(key)) {
        duplicate++;
        continue;
      }
      seen.add(key);
      rows.push(cells);
    }
    const table = [\`| \${headers.join(' | ')} |\`, \`| \${headers.map(() => '---').join(' | ')} |\`, ...rows.map((r) => \`| \${r.map(escape).join(' | ')} |\`)];
    const markdown = [
      \`Cleaned \${rows.length} row(s); dropped \${blank} blank and \${duplicate} duplicate row(s).\`,
      '',
      ...table,
    ].join('\\n');
    return { markdown, data: { headers, rows, dropped: { blank, duplicate } } };
  },
};

export default agent;
`;
}
