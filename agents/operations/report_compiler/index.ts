import type { FunctionAgentModule, ParseTaskOutcome, PriorResult } from '@orchestrator/core';

// No runtime imports: this module is loaded from the agents folder at run time (see loader.ts).

export interface ReportSection {
  title: string;
  markdown?: string;
  data?: unknown;
}

export interface ReportInput {
  title: string;
  date?: string;
  sections: ReportSection[];
}

const DEFAULT_TITLE = 'Compiled report';
const SUMMARY_MAX_CHARS = 280;
const TABLE_MAX_ROWS = 50;
const TABLE_MAX_COLUMNS = 12;
const CELL_MAX_CHARS = 80;

const TITLE_RES = [/\b(?:titled|entitled|called|named)\s*[:]?\s*["“'‘]([^"”'’\n]{1,200})["”'’]/i, /^\s*title\s*:\s*(.{1,200})$/im];

function sectionsFromJson(value: unknown): { title?: string; sections: ReportSection[] } | null {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { sections?: unknown }).sections) ? (value as { sections: unknown[] }).sections : null;
  if (!list) return null;
  const sections = list.flatMap((item): ReportSection[] => {
    if (!item || typeof item !== 'object') return [];
    const o = item as Record<string, unknown>;
    const text = [o.markdown, o.content, o.body, o.text].find((v) => typeof v === 'string') as string | undefined;
    const title = typeof o.title === 'string' ? o.title : typeof o.name === 'string' ? o.name : undefined;
    return title ? [{ title, ...(text !== undefined ? { markdown: text } : {}), ...(o.data !== undefined ? { data: o.data } : {}) }] : [];
  });
  const title = !Array.isArray(value) && typeof (value as { title?: unknown }).title === 'string' ? (value as { title: string }).title : undefined;
  return { ...(title ? { title } : {}), sections };
}

/** Splits Markdown on its top section level (## when present, else #); text before the first heading is the request, not a section. */
function sectionsFromMarkdown(text: string): { title?: string; sections: ReportSection[] } {
  const lines = text.split(/\r?\n/);
  let inFence = false;
  const headings: Array<{ index: number; level: number; title: string }> = [];
  lines.forEach((l, index) => {
    if (/^\s*```/.test(l)) inFence = !inFence;
    const m = !inFence && /^(#{1,2})\s+(.+?)\s*#*\s*$/.exec(l);
    if (m) headings.push({ index, level: m[1]!.length, title: m[2]! });
  });
  const level = headings.some((h) => h.level === 2) ? 2 : 1;
  const top = headings.find((h) => h.level === 1);
  const cuts = headings.filter((h) => h.level === level);
  const sections = cuts.map((h, i) => ({ title: h.title, markdown: lines.slice(h.index + 1, cuts[i + 1]?.index ?? lines.length).join('\n').trim() }));
  return { ...(level === 2 && top ? { title: top.title } : {}), sections };
}

function parseReportTask(task: string, priorResults: PriorResult[] | undefined): ParseTaskOutcome {
  const sections: ReportSection[] = (priorResults ?? []).map((r) => ({ title: r.title, ...(r.markdown !== undefined ? { markdown: r.markdown } : {}), ...(r.data !== undefined ? { data: r.data } : {}) }));
  let found: { title?: string; sections: ReportSection[] } | null = null;
  let jsonError: string | null = null;
  const fence = /```json\s*\n([\s\S]*?)```/i.exec(task);
  const start = task.search(/[[{]/);
  const candidates = [fence?.[1], start >= 0 ? task.slice(start, Math.max(task.lastIndexOf(']'), task.lastIndexOf('}')) + 1) : undefined];
  for (const c of candidates) {
    if (!c || found?.sections.length) continue;
    try {
      found = sectionsFromJson(JSON.parse(c));
    } catch (err) {
      if (c === fence?.[1]) jsonError = (err as Error).message;
    }
  }
  if (!found?.sections.length) found = sectionsFromMarkdown(task);
  if (found.sections.length === 0 && sections.length === 0 && jsonError) {
    return { missing: ['sections'], question: `The JSON sections could not be parsed (${jsonError}). Please fix it and send it again.` };
  }
  sections.push(...found.sections);
  if (sections.length === 0) {
    return {
      missing: ['sections'],
      question: 'Which results should I compile? Run me after the steps whose results belong in the report, or paste the sections as Markdown (one `## Heading` per section) or as JSON `[{"title": "...", "markdown": "...", "data": {...}}]`.',
    };
  }
  const explicit = TITLE_RES.map((re) => re.exec(task)?.[1]?.trim()).find(Boolean);
  return { input: { title: explicit ?? found.title ?? DEFAULT_TITLE, sections } };
}

/** GitHub-style heading anchor. */
const slug = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, s.lastIndexOf(' ', max - 1) > max / 2 ? s.lastIndexOf(' ', max - 1) : max - 1)}…`);

/** The first prose paragraph (or first list items) of a section, quoted as written. */
function firstParagraph(markdown: string | undefined): string | null {
  if (!markdown) return null;
  let inFence = false;
  const blocks: string[][] = [[]];
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      blocks.push([]);
      continue;
    }
    if (inFence || /^\s*(#|\||[-*_]{3,}\s*$)/.test(line) || line.trim() === '') blocks.push([]);
    else blocks[blocks.length - 1]!.push(line.trim());
  }
  const block = blocks.find((b) => b.length > 0);
  if (!block) return null;
  const items = block.every((l) => /^([-*+]|\d+[.)])\s/.test(l)) ? block.slice(0, 3).map((l) => l.replace(/^([-*+]|\d+[.)])\s+/, '')) : null;
  return clip(items ? items.join('; ') : block.join(' '), SUMMARY_MAX_CHARS);
}

/** Shifts a section's headings so its highest one becomes ### (the section itself is ##). */
function demoteHeadings(markdown: string): string {
  const lines = markdown.split(/\r?\n/);
  let inFence = false;
  const levels: number[] = [];
  const isHeading = lines.map((l) => {
    if (/^\s*```/.test(l)) inFence = !inFence;
    const m = !inFence && /^(#{1,6})\s/.exec(l);
    if (m) levels.push(m[1]!.length);
    return Boolean(m);
  });
  const shift = levels.length ? 3 - Math.min(...levels) : 0;
  return lines.map((l, i) => (isHeading[i] ? l.replace(/^#+/, (h) => '#'.repeat(Math.min(6, Math.max(3, h.length + shift)))) : l)).join('\n');
}

const cellText = (v: unknown): string => esc(clip(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v), CELL_MAX_CHARS));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renders data as Markdown tables: arrays of objects as rows, objects as key/value pairs (nested up to two levels). */
function dataTables(data: unknown): string[] {
  if (Array.isArray(data)) {
    if (data.length === 0) return ['(empty list)'];
    const more = data.length > TABLE_MAX_ROWS ? [`(first ${TABLE_MAX_ROWS} of ${data.length} rows)`] : [];
    if (data.every(isRecord)) {
      const cols = [...new Set(data.flatMap((d) => Object.keys(d)))].slice(0, TABLE_MAX_COLUMNS);
      return [`| ${cols.map(esc).join(' | ')} |`, `|${'---|'.repeat(cols.length)}`, ...data.slice(0, TABLE_MAX_ROWS).map((d) => `| ${cols.map((c) => cellText(d[c])).join(' | ')} |`), ...more];
    }
    return ['| Value |', '|---|', ...data.slice(0, TABLE_MAX_ROWS).map((v) => `| ${cellText(v)} |`), ...more];
  }
  if (!isRecord(data)) return [`| Value |`, '|---|', `| ${cellText(data)} |`];
  const pairs: Array<[string, unknown]> = [];
  const nested: string[] = [];
  const walk = (o: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [k, v] of Object.entries(o)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (isRecord(v) && depth < 2) walk(v, key, depth + 1);
      else if (Array.isArray(v) && v.length > 0 && v.every(isRecord)) nested.push('', `**${esc(key)}**`, '', ...dataTables(v));
      else pairs.push([key, v]);
    }
  };
  walk(data, '', 0);
  const kv = pairs.length ? ['| Field | Value |', '|---|---|', ...pairs.map(([k, v]) => `| ${esc(k)} | ${cellText(v)} |`)] : [];
  return [...kv, ...nested];
}

const agent: FunctionAgentModule<ReportInput> = {
  inputSchema: (z) =>
    z
      .object({
        title: z.string().trim().min(1).max(200),
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').optional(),
        sections: z.array(z.object({ title: z.string().trim().min(1).max(200), markdown: z.string().max(200_000).optional(), data: z.unknown().optional() }).strict()).min(1).max(100),
      })
      .strict(),
  parseTask: (task, ctx) => parseReportTask(task, ctx.priorResults),
  run: (input, ctx) => {
    const date = input.date ?? ctx.now.toISOString().slice(0, 10);
    const numbered = input.sections.map((s, i) => ({ ...s, heading: `${i + 1}. ${s.title.trim()}`, summary: firstParagraph(s.markdown) }));
    const withData = numbered.filter((s) => s.data !== undefined && s.data !== null);
    const appendix = withData.map((s, i) => ({ s, heading: `A.${i + 1} ${s.title.trim()}` }));
    const toc = [
      ...numbered.map((s) => `${s.heading.split('.')[0]}. [${s.title.trim()}](#${slug(s.heading)})`),
      ...(appendix.length ? [`${numbered.length + 1}. [Appendix: data tables](#appendix-data-tables)`] : []),
    ];
    const markdown = [
      `# ${input.title}`,
      '',
      `*Compiled ${date} from ${input.sections.length} section(s).*`,
      '',
      '## Executive summary',
      '',
      ...numbered.map((s) => `- **${s.title.trim()}**: ${s.summary ?? '(no prose in this section; see its tables)'}`),
      '',
      '## Contents',
      '',
      ...toc,
      '',
      ...numbered.flatMap((s) => [`## ${s.heading}`, '', s.markdown?.trim() ? demoteHeadings(s.markdown.trim()) : '*(This section has data only; see the appendix.)*', '']),
      ...(appendix.length ? ['## Appendix: data tables', '', ...appendix.flatMap(({ s, heading }) => [`### ${heading}`, '', ...dataTables(s.data), ''])] : []),
    ].join('\n');
    return {
      markdown: markdown.trimEnd() + '\n',
      data: { title: input.title, date, sections: numbered.map((s) => ({ title: s.title, anchor: slug(s.heading), summary: s.summary, hasData: s.data !== undefined && s.data !== null })), appendixTables: appendix.length },
    };
  },
};

export default agent;
