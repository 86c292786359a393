import type { LoadedAgent } from '../registry/load.js';
import type { AgentRegistry } from '../registry/registry.js';
import { bigrams, contentTerms, tokenTerms, words } from './text.js';

export interface RankOptions {
  /** Only agents of this department. */
  department?: string;
  /** At most this many results (default: all that match). */
  limit?: number;
  /** Include orchestrators (CEO, C-suite, managers); specialists only by default. */
  includeOrchestrators?: boolean;
  /** Fill `matched` (default true); callers that only need scores skip the work. */
  explain?: boolean;
}

export interface CapabilityMatch {
  agent: string;
  department: string;
  /** 0..1: 1 - exp(-bm25 / SCORE_SCALE); comparable across queries, not only within one. */
  score: number;
  /** The query's words that matched this agent, strongest first. */
  matched: string[];
}

/**
 * How much one occurrence in each field counts (BM25F-style weighted term frequency): what an
 * agent declares it does (capabilities, keywords, title) outweighs its long-form Context.md.
 */
export const FIELD_WEIGHTS = { name: 3, title: 3, capabilities: 3, keywords: 3, description: 2, context: 1 } as const;

/** Raw BM25 at which the normalised score reaches 1 - 1/e ≈ 0.63: a solid two-term match. */
export const SCORE_SCALE = 8;

const K1 = 1.2;
const B = 0.5;

interface Doc {
  agent: LoadedAgent;
  tf: Map<string, number>;
  length: number;
}

/**
 * Context.md sections that describe what an agent does. "Escalation" and "Team" name other
 * agents and what this one does *not* do ("security auditing is not covered"), which would make
 * it match exactly the requests it should not get.
 */
const INDEXED_SECTIONS = /^(role|responsibilities|inputs|outputs|quality bar)$/i;

export function indexableContext(markdown: string): string {
  const out: string[] = [];
  let keep = true;
  for (const line of markdown.split('\n')) {
    const heading = /^#{2,}\s+(.+?)\s*$/.exec(line);
    if (heading) {
      keep = INDEXED_SECTIONS.test(heading[1]!);
      continue;
    }
    if (keep && !line.startsWith('# ')) out.push(line.replace(/`[a-z0-9_]+`/g, ' '));
  }
  return out.join('\n');
}

/** Terms of one field: content terms plus adjacent-pair phrases. */
function fieldTerms(text: string): string[] {
  const terms = contentTerms(text);
  return [...terms, ...bigrams(terms)];
}

function buildDoc(agent: LoadedAgent): Doc {
  const d = agent.definition;
  const tf = new Map<string, number>();
  let length = 0;
  const add = (terms: string[], weight: number) => {
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + weight);
    length += terms.length * weight;
  };
  add(fieldTerms(d.name.replace(/_orchestrator$/, '').replace(/_/g, ' ')), FIELD_WEIGHTS.name);
  add(fieldTerms(d.title), FIELD_WEIGHTS.title);
  for (const c of d.capabilities) add(fieldTerms(c.replace(/_/g, ' ')), FIELD_WEIGHTS.capabilities);
  for (const k of d.keywords) add(fieldTerms(k), FIELD_WEIGHTS.keywords);
  add(fieldTerms(d.description), FIELD_WEIGHTS.description);
  add(fieldTerms(indexableContext(agent.contextMd)), FIELD_WEIGHTS.context);
  return { agent, tf, length };
}

/**
 * BM25 over each agent's declared capabilities and Context.md, for routing free text to agents.
 * Construction precomputes every term's contribution per agent, so a query is a handful of
 * map lookups and additions (well under a millisecond for the shipped 31 agents).
 */
export class CapabilityIndex {
  /** term → [(doc index, idf-weighted saturated term frequency)] */
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly docs: Doc[];
  /** agent → term → contribution, to explain a match. */
  private readonly weights = new Map<string, Map<string, number>>();

  constructor(readonly registry: AgentRegistry) {
    this.docs = registry.agents.map(buildDoc);
    const n = this.docs.length;
    const avgLength = this.docs.reduce((s, d) => s + d.length, 0) / Math.max(1, n);
    const df = new Map<string, number>();
    for (const d of this.docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    this.docs.forEach((d, i) => {
      const norm = K1 * (1 - B + (B * d.length) / avgLength);
      for (const [t, f] of d.tf) {
        const idf = Math.log(1 + (n - df.get(t)! + 0.5) / (df.get(t)! + 0.5));
        const list = this.postings.get(t) ?? [];
        const w = (idf * f * (K1 + 1)) / (f + norm);
        list.push([i, w]);
        this.postings.set(t, list);
        const mine = this.weights.get(d.agent.definition.name) ?? new Map<string, number>();
        mine.set(t, w);
        this.weights.set(d.agent.definition.name, mine);
      }
    });
  }

  /** Whether a term (already stemmed) occurs in any agent's profile. */
  has(term: string): boolean {
    return this.postings.has(term);
  }

  rank(text: string, options: RankOptions = {}): CapabilityMatch[] {
    // One pass over the words: the stemmed terms, and the first surface word per stem so that
    // `matched` reads like the user's own words.
    const surface = new Map<string, string>();
    const terms: string[] = [];
    for (const w of words(text)) {
      for (const t of tokenTerms(w)) {
        terms.push(t);
        if (!surface.has(t)) surface.set(t, w);
      }
    }
    const query = [...new Set([...terms, ...bigrams(terms)])];
    const scores = new Float64Array(this.docs.length);
    for (const q of query) {
      const list = this.postings.get(q);
      if (list) for (const [i, w] of list) scores[i]! += w;
    }
    const out: CapabilityMatch[] = [];
    for (let i = 0; i < this.docs.length; i++) {
      const def = this.docs[i]!.agent.definition;
      if (scores[i]! <= 0) continue;
      if (!options.includeOrchestrators && def.type === 'orchestrator') continue;
      if (options.department && def.department !== options.department) continue;
      out.push({
        agent: def.name,
        department: def.department,
        score: 1 - Math.exp(-scores[i]! / SCORE_SCALE),
        matched: [],
      });
    }
    out.sort((a, b) => b.score - a.score || a.agent.localeCompare(b.agent));
    const top = options.limit === undefined ? out : out.slice(0, options.limit);
    if (options.explain === false) return top;
    for (const m of top) {
      const weights = this.weights.get(m.agent)!;
      let matched: string[] | undefined;
      // Computed on first read: most callers only look at scores.
      Object.defineProperty(m, 'matched', {
        enumerable: true,
        get: () =>
          (matched ??= [
            ...new Set(
              query
                .filter((q) => weights.has(q))
                .sort((a, b) => weights.get(b)! - weights.get(a)!)
                .map((t) =>
                  t
                    .split('_')
                    .map((p) => surface.get(p) ?? p)
                    .join(' '),
                ),
            ),
          ]),
      });
    }
    return top;
  }
}
