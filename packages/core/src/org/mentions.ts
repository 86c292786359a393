import type { AgentRegistry } from '../registry/registry.js';

/** Something in the organisation a question can be about. */
export type OrgEntity = { kind: 'agent'; name: string } | { kind: 'department'; department: string };

/** An agent or department named in a message, with the character offset where it starts. */
export type Mention = { kind: 'agent'; name: string; at: number } | { kind: 'department'; name: string; at: number };

/**
 * Extra words people use for departments. Not "leadership" or "development" alone: they name
 * topics more often than teams ("leadership offsite", "business development").
 */
const DEPARTMENT_ALIASES: Record<string, string[]> = {
  executive: ['executive', 'executives', 'c-suite', 'c suite', 'leadership team', 'exec team'],
  hr: ['hr', 'human resources', 'people team', 'people ops', 'people operations'],
  engineering: ['engineering', 'engineers', 'dev team', 'tech team'],
  marketing: ['marketing', 'marketing team'],
  operations: ['operations', 'ops team'],
  finance: ['finance', 'accounting', 'finance team'],
};

/** Short forms people use for parts of agent names. */
const ABBREVIATIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bcomp\b/g, 'compensation'],
  [/\bops\b/g, 'operations'],
  [/\beng\b/g, 'engineering'],
  [/\bmktg\b/g, 'marketing'],
  [/\bblog writer\b/g, 'blog post writer'],
];

const normalise = (s: string): string =>
  ` ${s
    .replace(/\bIT\b/g, 'it support')
    .toLowerCase()
    .replace(/[’']s\b/g, '')
    .replace(/[_]/g, ' ')
    .replace(/[^a-z0-9&\- ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;

/** "Chief Financial Officer" → "cfo". */
function acronym(title: string): string | undefined {
  const words = title
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => !['of', 'and', 'the', '&'].includes(w));
  return words[0] === 'chief' && words.length >= 3 ? words.map((w) => w[0]).join('') : undefined;
}

/**
 * Finds the agents and departments a message names. Aliases are computed once per registry:
 * the snake_case name, the title, "X agent", C-suite acronyms, the name without its department
 * prefix ("policy advisor"), and a role word that only one agent has ("the recruiter").
 */
export class MentionIndex {
  private readonly aliases: Array<{ alias: string; first: string; mention: Omit<Mention, 'at'> }> = [];

  constructor(registry: AgentRegistry) {
    const roleWordOwners = new Map<string, string[]>();
    for (const { definition: d } of registry.agents) {
      if (d.type === 'orchestrator') continue;
      const last = d.name.split('_').at(-1)!;
      roleWordOwners.set(last, [...(roleWordOwners.get(last) ?? []), d.name]);
    }
    for (const { definition: d } of registry.agents) {
      const mention = { kind: 'agent' as const, name: d.name };
      const bare = d.name.replace(/_orchestrator$/, '').replace(/_/g, ' ');
      const names = new Set([d.name.replace(/_/g, ' '), bare, d.title.toLowerCase(), `${bare} agent`, `${bare} bot`]);
      const titleWords = d.title.toLowerCase().split(/\s+/);
      if (titleWords.length >= 3) names.add(titleWords.slice(1).join(' '));
      const short = acronym(d.title);
      if (short) names.add(short).add(`${short} agent`);
      const first = bare.split(' ')[0]!;
      if (bare.includes(' ') && d.type !== 'orchestrator') names.add(`${first} agent`).add(`${first} bot`);
      const last = d.name.split('_').at(-1)!;
      if (
        d.type !== 'orchestrator' &&
        roleWordOwners.get(last)?.length === 1 &&
        !['support', 'specialist', 'processor'].includes(last)
      ) {
        names.add(`the ${last}`).add(`our ${last}`);
      }
      if (d.name === 'ceo_orchestrator') names.add('orchestrator');
      if (d.name === 'qa_tester') names.add('qa');
      if (d.name === 'devops_engineer') names.add('devops');
      if (d.name === 'it_support') names.add('helpdesk agent');
      for (const n of names) this.add(n, mention);
    }
    for (const department of registry.departments()) {
      for (const n of new Set([department, ...(DEPARTMENT_ALIASES[department] ?? [])])) {
        this.add(n, { kind: 'department', name: department });
      }
    }
    // Longest first: "finance manager" wins over "finance".
    this.aliases.sort((a, b) => b.alias.length - a.alias.length || (a.alias < b.alias ? -1 : 1));
  }

  private add(name: string, mention: Omit<Mention, 'at'>): void {
    const alias = normalise(name).trim();
    this.aliases.push({ alias, first: alias.split(' ')[0]!, mention });
  }

  /** Mentions in order of appearance, each entity once. */
  find(text: string): Mention[] {
    let haystack = normalise(text);
    for (const [re, to] of ABBREVIATIONS) haystack = haystack.replace(re, to);
    const present = new Set(haystack.split(' '));
    const found: Mention[] = [];
    for (const { alias, first, mention } of this.aliases) {
      // Cheap pre-check: an alias can only match if its first word occurs at all.
      if (!present.has(first)) continue;
      const needle = ` ${alias} `;
      let at = haystack.indexOf(needle);
      while (at >= 0) {
        found.push({ ...mention, at } as Mention);
        // Blank the match so shorter aliases inside it do not match again.
        haystack = haystack.slice(0, at + 1) + '#'.repeat(alias.length) + haystack.slice(at + 1 + alias.length);
        at = haystack.indexOf(needle);
      }
    }
    const seen = new Set<string>();
    return found
      .sort((a, b) => a.at - b.at)
      .filter((m) => {
        const key = `${m.kind}:${m.name}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
}

/** One index per registry: the aliases are computed once, and a reload brings a new registry. */
const INDEXES = new WeakMap<AgentRegistry, MentionIndex>();

/**
 * The organisation entities a text mentions, in order of appearance, preferring the longest
 * alias at each position (an agent title over its department's name).
 */
export function findMentions(registry: AgentRegistry, text: string): OrgEntity[] {
  let index = INDEXES.get(registry);
  if (!index) INDEXES.set(registry, (index = new MentionIndex(registry)));
  return index
    .find(text)
    .map((m): OrgEntity =>
      m.kind === 'agent' ? { kind: 'agent', name: m.name } : { kind: 'department', department: m.name },
    );
}
