import type { AgentRegistry } from '../registry/registry.js';

/** Something in the organisation a question can be about. */
export type OrgEntity = { kind: 'agent'; name: string } | { kind: 'department'; department: string };

/** Extra words people use for departments. */
const DEPARTMENT_ALIASES: Record<string, string[]> = {
  executive: ['executive', 'executives', 'c-suite', 'c suite', 'leadership', 'leadership team', 'exec team'],
  hr: ['hr', 'human resources', 'people team', 'people ops', 'people operations'],
  engineering: ['engineering', 'engineers', 'tech team', 'development'],
  marketing: ['marketing'],
  operations: ['operations', 'ops'],
  finance: ['finance', 'accounting'],
};

const normalise = (s: string): string =>
  ` ${s
    .toLowerCase()
    .replace(/[’']s\b/g, '')
    .replace(/[^a-z0-9&\- ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;

/** "Chief Financial Officer" → "cfo". */
function acronym(title: string): string | undefined {
  const words = title
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => !['of', 'and', 'the', '&'].includes(w));
  if (words[0] !== 'chief' || words.length < 3) return undefined;
  return words.map((w) => w[0]).join('');
}

function aliasesFor(registry: AgentRegistry): Array<{ alias: string; entity: OrgEntity }> {
  const out: Array<{ alias: string; entity: OrgEntity }> = [];
  for (const { definition: d } of registry.agents) {
    const entity: OrgEntity = { kind: 'agent', name: d.name };
    const bare = d.name.replace(/_orchestrator$/, '').replace(/_/g, ' ');
    const candidates = new Set([d.name.replace(/_/g, ' '), bare, d.title]);
    const short = acronym(d.title);
    if (short) candidates.add(short);
    if (d.name === 'ceo_orchestrator') candidates.add('orchestrator');
    for (const c of candidates) out.push({ alias: normalise(c).trim(), entity });
  }
  for (const department of registry.departments()) {
    const names = new Set([department, ...(DEPARTMENT_ALIASES[department] ?? [])]);
    for (const n of names) out.push({ alias: normalise(n).trim(), entity: { kind: 'department', department } });
  }
  // Longest aliases first so "finance manager" wins over "finance".
  return out.filter((a) => a.alias.length > 1).sort((a, b) => b.alias.length - a.alias.length);
}

/**
 * Finds the organisation entities a text mentions, in order of appearance, preferring the
 * longest alias at each position (an agent title over its department's name).
 */
export function findMentions(registry: AgentRegistry, text: string): OrgEntity[] {
  let haystack = normalise(text);
  const found: Array<{ at: number; entity: OrgEntity }> = [];
  for (const { alias, entity } of aliasesFor(registry)) {
    const needle = ` ${alias} `;
    let at = haystack.indexOf(needle);
    while (at >= 0) {
      found.push({ at, entity });
      // Blank the match so shorter aliases inside it do not match again.
      haystack = haystack.slice(0, at + 1) + '#'.repeat(alias.length) + haystack.slice(at + 1 + alias.length);
      at = haystack.indexOf(needle);
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.at - b.at)
    .map((f) => f.entity)
    .filter((e) => {
      const key = e.kind === 'agent' ? `a:${e.name}` : `d:${e.department}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
