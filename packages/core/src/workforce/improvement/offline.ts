import type { ImprovementEvidence, ImprovementTriggerType, ProposeInput } from './types.js';

/** The section the offline improver owns; a later proposal merges into it instead of adding another. */
export const GUIDANCE_HEADING = '## Guidance from feedback';
const GUIDANCE_NOTE =
  '_Rules added by the offline improver: each one is taken from feedback, ratings, reviewer notes or error rates as written, not rewritten by a model. Edit them freely._';

/** A clause that already reads as an instruction keeps its wording; anything else is quoted as a correction. */
const IMPERATIVE =
  /^(always|never|do|don't|dont|do not|avoid|stop|keep|use|include|add|remove|write|make|be|ask|check|cite|mention|start|end|limit|cap|prefer|focus|follow|flag|give|list|put|show|state|explain|skip|shorten|split|respond|reply|answer|double-check|verify|escalate|say|sound|aim|mark)\b/i;
const FILLER =
  /^(please|pls|also|and|but|so|then|i think|i feel|honestly|overall|in general|generally|just|maybe|could you|can you|would you|you should|it should|they should)\b[\s,:]*/i;
const MAX_RULES = 8;
const MAX_RULE_CHARS = 240;

const SOURCE_LABEL: Record<ImprovementTriggerType, string> = {
  user_feedback: 'user feedback',
  manual: 'feedback in the Workforce view',
  project_failure: 'a rejected step',
  performance_metrics: 'performance metrics',
};

function clean(clause: string): string {
  let text = clause.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 3; i++) text = text.replace(FILLER, '').trim();
  return text
    .replace(/^[-*•\d.)\s]+/, '')
    .replace(/[\s,;:.!?]+$/, '')
    .trim();
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const clip = (s: string) => (s.length > MAX_RULE_CHARS ? `${s.slice(0, MAX_RULE_CHARS - 1).trimEnd()}…` : s);

/**
 * Splits feedback into clauses (sentences, lines, and comma-joined instructions such as
 * "too long, keep them under 800 words") and turns each into one rule: an instruction stays
 * an instruction, a complaint becomes "Correct this: “…”". Deterministic: the same feedback
 * always gives the same rules.
 */
export function feedbackToRules(feedback: string): string[] {
  const sentences = feedback.split(/(?<=[.!?])\s+|\n+|;\s+/);
  const clauses = sentences.flatMap((s) =>
    s.split(
      /,\s*(?=(?:and\s+|but\s+|so\s+|please\s+)?(?:always|never|don't|do not|avoid|keep|use|include|add|make|stop|limit|write|be)\b)/i,
    ),
  );
  const rules: string[] = [];
  for (const raw of clauses) {
    const text = clean(raw);
    if (text.split(/\s+/).length < 2) continue;
    rules.push(clip(IMPERATIVE.test(text) ? `${capitalise(text)}.` : `Correct this: “${text}”.`));
  }
  return rules;
}

/** Rules the evidence supports on its own (reviewer notes, low-rating comments; the error rate when it is the trigger). */
export function evidenceRules(evidence: ImprovementEvidence, options: { errorRate: boolean }): string[] {
  const rules: string[] = [];
  for (const r of evidence.rejections) {
    if (r.notes.trim())
      rules.push(
        clip(
          `A reviewer rejected “${clean(r.action) || r.action}”: “${clean(r.notes)}” — address this before proposing it again.`,
        ),
      );
  }
  for (const r of evidence.ratings) {
    if (r.rating <= 2 && r.comment?.trim()) rules.push(...feedbackToRules(r.comment));
  }
  const { recentTasks } = evidence;
  if (options.errorRate && recentTasks && recentTasks.failed > 0) {
    const counts = new Map<string, { n: number; sample: string }>();
    for (const e of evidence.errors) {
      const c = counts.get(e.category) ?? { n: 0, sample: e.message };
      counts.set(e.category, { n: c.n + 1, sample: c.sample });
    }
    const top = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))[0];
    const mostOften = top ? `, most often with ${top[0].replace(/_/g, ' ')} (“${clean(top[1].sample)}”)` : '';
    rules.push(
      clip(
        `${recentTasks.failed} of the last ${recentTasks.total} tasks failed${mostOften}: check that a task has what it needs and ask one question when it does not, instead of guessing.`,
      ),
    );
  }
  return rules;
}

const normalise = (rule: string) =>
  rule
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The lines of the guidance section (from its heading to the next `## ` heading), or undefined. */
function findSection(lines: string[]): { start: number; end: number } | undefined {
  const start = lines.findIndex((l) => l.trim().toLowerCase() === GUIDANCE_HEADING.toLowerCase());
  if (start < 0) return undefined;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^#{1,2}\s/.test(lines[i]!)) {
      end = i;
      break;
    }
  }
  return { start, end };
}

/**
 * Appends the rules to the "Guidance from feedback" section (created at the end when missing),
 * skipping rules the section already has. Returns the new Context.md and the rules added.
 */
export function mergeGuidance(
  contextMd: string,
  rules: string[],
  source: string,
): { contextMd: string; added: string[] } {
  const lines = contextMd.replace(/\s+$/, '').split('\n');
  const section = findSection(lines);
  const existing = new Set(
    (section ? lines.slice(section.start + 1, section.end) : [])
      .filter((l) => l.startsWith('- '))
      .map((l) => normalise(l.slice(2).replace(/\s*_\(from [^)]*\)_\s*$/, ''))),
  );
  const added: string[] = [];
  for (const rule of rules) {
    const key = normalise(rule);
    if (!key || existing.has(key) || added.length >= MAX_RULES) continue;
    existing.add(key);
    added.push(rule);
  }
  if (added.length === 0) return { contextMd, added };
  const bullets = added.map((r) => `- ${r} _(from ${source})_`);
  if (section) {
    // Insert after the section's last non-blank line, so the section stays one list.
    let at = section.end;
    while (at > section.start + 1 && lines[at - 1]!.trim() === '') at--;
    lines.splice(at, 0, ...bullets);
  } else {
    lines.push('', GUIDANCE_HEADING, GUIDANCE_NOTE, '', ...bullets);
  }
  return { contextMd: `${lines.join('\n')}\n`, added };
}

/**
 * The offline proposal: no model, so nothing is rewritten. The feedback and evidence become rules
 * merged into the guidance section, and the reason says exactly that.
 */
export function proposeOffline(input: ProposeInput): { contextMd: string; reason: string; added: string[] } {
  // A metrics trigger's text is a summary of numbers, not advice: only its evidence yields rules.
  const fromFeedback = input.triggerType === 'performance_metrics' ? [] : feedbackToRules(input.feedback);
  const rules = [
    ...fromFeedback,
    ...evidenceRules(input.evidence, { errorRate: input.triggerType === 'performance_metrics' }),
  ];
  const source = SOURCE_LABEL[input.triggerType];
  const { contextMd, added } = mergeGuidance(input.agent.contextMd, rules, source);
  const reason =
    rules.length === 0
      ? `Nothing to change: the offline improver found no rule in this ${source} (${input.feedback.slice(0, 200)}) and does not invent one. A comment saying what should change, or a configured model, can turn it into a proposal.`
      : added.length === 0
        ? `Nothing to change: every rule from this ${source} is already in the “Guidance from feedback” section of ${input.agent.name}'s Context.md.`
        : `Adds ${added.length} rule${added.length === 1 ? '' : 's'} from ${source} to the “Guidance from feedback” section of ${input.agent.name}'s Context.md. ` +
          'Made by the offline improver: the rules are taken from the feedback as written and the rest of Context.md is unchanged — it was not rewritten by a model. Review the wording before approving.';
  return { contextMd, reason, added };
}
