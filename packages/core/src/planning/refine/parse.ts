import type { CollaborationType, Duration } from '@orchestrator/contracts';
import { parseDuration } from '../duration.js';
import type { RiskLevel } from '../risk.js';

/** One change a person asked for, with the words that name the step still unresolved. */
export type RefineOp =
  | { kind: 'duration'; target: string; mode: 'set' | 'add' | 'subtract'; duration: Duration }
  | { kind: 'assign'; target: string; assignee: string; collaboration: CollaborationType | null }
  | { kind: 'drop'; target: string }
  | { kind: 'add'; name: string; relation: 'before' | 'after' | null; anchor: string | null; duration: Duration | null }
  | { kind: 'risk'; target: string; risk: RiskLevel }
  | { kind: 'rename'; target: string; name: string }
  | { kind: 'unknown'; clause: string; question?: string };

const COMMAND = String.raw`(?:make|set|change|shorten|extend|lengthen|reduce|cut|trim|increase|decrease|assign|reassign|give|hand|let|have|get|drop|remove|delete|skip|scrap|omit|add|include|insert|mark|flag|rename|call|put|move|allow|we|i|please)\b`;

/** "make the budget 2 weeks and assign the review to Sarah" → two clauses, in order. */
export function splitInstructions(message: string): string[] {
  const lowerSplit = new RegExp(
    String.raw`\s*(?:[;\n]+|\.\s+|,?\s+and then\s+|,?\s+then\s+|,\s*also\s+|\s+and\s+also\s+|,?\s+and\s+(?=${COMMAND})|,\s*(?=${COMMAND}))\s*`,
    'i',
  );
  // Case-sensitive on purpose: "… and Mike from Finance should approve …" starts a clause with a name.
  const nameSplit =
    /,?\s+and\s+(?=[A-Z][a-z'’-]+(?:\s+(?:from|in|on)\s+[A-Za-z]+)?\s+(?:should|will|must|can|could|is going to|needs? to|has to)\b)/;
  return message
    .split(lowerSplit)
    .flatMap((part) => part.split(nameSplit))
    .map(cleanClause)
    .filter((c) => c.length > 0);
}

function cleanClause(clause: string): string {
  return clause
    .trim()
    .replace(/^(?:and|also|then|ok(?:ay)?|so|but|plus)[,\s]+/i, '')
    .replace(
      /^(?:please\s+|can\s+you\s+|could\s+you\s+|would\s+you\s+|i'?d\s+like\s+(?:you\s+)?to\s+|i\s+want\s+(?:you\s+)?to\s+|let'?s\s+)+/i,
      '',
    )
    .replace(/[\s,]*(?:please|thanks|thank you)?[.!?\s]*$/i, '')
    .trim();
}

const unquote = (s: string): string =>
  s
    .trim()
    .replace(/^["“'‘]+|["”'’]+$/g, '')
    .trim();
const RISK = '(low|medium|high|critical)';

function parseRename(c: string): RefineOp | null {
  const m =
    /^(?:rename|retitle)\s+(.+?)\s+(?:to|as)\s+(.+)$/i.exec(c) ??
    /^change\s+the\s+name\s+of\s+(.+?)\s+to\s+(.+)$/i.exec(c) ??
    /^call\s+(.+?)\s+(["“'‘].+["”'’])$/i.exec(c);
  return m ? { kind: 'rename', target: m[1]!, name: unquote(m[2]!) } : null;
}

function parseDrop(c: string): RefineOp | null {
  const m =
    /^(?:drop|remove|delete|skip|scrap|omit|exclude|cancel|get\s+rid\s+of|take\s+out|leave\s+out|cut\s+out|forget(?:\s+about)?)\s+(.+)$/i.exec(
      c,
    ) ??
    /^(?:we|i)?\s*(?:don'?t|do\s+not|no\s+longer|won'?t|will\s+not)\s+(?:need|want)\s+(.+)$/i.exec(c) ??
    /^(?:there(?:'s|\s+is)\s+)?no\s+need\s+for\s+(.+)$/i.exec(c) ??
    /^(.+?)\s+(?:is|are)\s+(?:not\s+needed|unnecessary|not\s+necessary|not\s+required)$/i.exec(c);
  return m ? { kind: 'drop', target: m[1]! } : null;
}

function parseAdd(c: string): RefineOp | null {
  const m =
    /^(?:add|include|insert|schedule|put\s+in|plan\s+in|(?:we|i)\s+(?:also\s+)?(?:need|want)|there\s+should\s+be)\s+(.+)$/i.exec(
      c,
    );
  if (!m) return null;
  let rest = m[1]!;
  if (/^(?:before|after|ahead\s+of|prior\s+to|following|once)\b/i.test(rest))
    return { kind: 'unknown', clause: c, question: `What should I add ${rest}?` };
  const found = parseDuration(rest);
  if (found) rest = rest.replace(found.match, ' ');
  const pos = /^(.+?)\s+(before|after|ahead\s+of|prior\s+to|following|once)\s+(.+)$/i.exec(rest);
  const rawName = pos ? pos[1]! : rest;
  const name = rawName
    .replace(/^(?:a|an|another|one\s+more|some|the|new)\s+/i, '')
    .replace(/^(?:a|an|new)\s+/i, '')
    .replace(/^(?:step|task)\s+(?:for|to)\s+/i, '')
    .replace(/\s+(?:step|task)$/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!name) return null;
  const relation = pos ? (/^(?:after|following|once)$/i.test(pos[2]!) ? 'after' : 'before') : null;
  return { kind: 'add', name, relation, anchor: pos ? pos[3]! : null, duration: found?.duration ?? null };
}

function parseRisk(c: string): RefineOp | null {
  const hasRisk = /\brisk/i.test(c);
  const m =
    new RegExp(
      String.raw`^(?:set|change)\s+(?:the\s+)?risk(?:\s+level)?\s+(?:of|for|on)\s+(.+?)\s+to\s+${RISK}$`,
      'i',
    ).exec(c) ??
    new RegExp(
      String.raw`^(?:mark|flag|set|make|classify|treat|rate)\s+(.+?)\s+(?:as\s+)?(?:an?\s+)?${RISK}(?:[\s-]+risk)?$`,
      'i',
    ).exec(c) ??
    new RegExp(String.raw`^(.+?)\s+(?:is|should\s+be|must\s+be)\s+(?:an?\s+)?${RISK}(?:[\s-]+risk)?$`, 'i').exec(c);
  if (!m) return null;
  if (!hasRisk && !/^(?:mark|flag|classify|rate|treat)\b/i.test(c) && m[2]!.toLowerCase() !== 'critical') return null;
  return { kind: 'risk', target: m[1]!, risk: m[2]!.toLowerCase() as RiskLevel };
}

const DURATION_FILLER =
  /\b(?:make|set|change|shorten|extend|lengthen|reduce|cut|trim|increase|decrease|add|remove|take|give|allow|should|must|will|would|can|could|only|just|takes?|last|lasts|be|to|by|from|off|for|an?\s+extra|extra|more|less|fewer|another|additional|the|duration|of|time|long|is|needs?|about|around|roughly|approximately|instead|so|that|needed|longer|shorter|knock|planned|step|steps|budgeted|at\s+most|at\s+least|max(?:imum)?|min(?:imum)?)\b/gi;

function parseDurationChange(c: string): RefineOp | null {
  const found = parseDuration(c);
  if (!found) return null;
  const subtract =
    /\b(?:shorten|reduce|cut|trim|decrease)\b[^]*\bby\b|\b(?:take|remove|knock)\b[^]*\b(?:off|from)\b|\b(?:less|fewer|shorter)\b/i.test(
      c,
    );
  const add =
    /^add\b|\b(?:extend|lengthen|increase|push)\b[^]*\bby\b|\b(?:extra|more|another|additional|longer)\b/i.test(c);
  const mode = subtract ? 'subtract' : add ? 'add' : 'set';
  const target = c
    .replace(found.match, ' ')
    .replace(DURATION_FILLER, ' ')
    .replace(/[,.]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return target ? { kind: 'duration', target, mode, duration: found.duration } : null;
}

const COLLAB_VERB = String.raw`(approve|sign\s+off(?:\s+on)?|review|check|look\s+(?:at|over)|guide|advise\s+on|oversee|lead|own|handle|run|do|write|take\s+care\s+of|take\s+over|take|shape|set\s+the\s+strategy\s+for|set\s+the\s+direction\s+for)`;
const PASSIVE_VERB = String.raw`(approved|reviewed|signed\s+off|checked|handled|done|written|owned|led|run|guided|overseen|shaped)`;

export function collaborationOf(verb: string): CollaborationType | null {
  const v = verb.toLowerCase();
  if (/approv|sign/.test(v)) return 'approval';
  if (/review|check|look/.test(v)) return 'review';
  if (/strateg|shape|direction/.test(v)) return 'strategy';
  if (/guid|advis|overs|lead|led|own|in\s+charge|responsible/.test(v)) return 'guidance';
  return null;
}

function parseAssign(c: string): RefineOp | null {
  const bare = new RegExp(
    String.raw`^(.+?)\s+(?:should|will|must|can|could|is\s+going\s+to|needs?\s+to|has\s+to)\s+${COLLAB_VERB}$`,
    'i',
  ).exec(c);
  if (bare) return { kind: 'unknown', clause: c, question: `Which step should ${bare[1]} ${bare[2]!.toLowerCase()}?` };
  let m = /^(?:assign|reassign|give|hand(?:\s+over)?|pass|route|delegate|move)\s+(.+?)\s+to\s+(.+)$/i.exec(c);
  if (m) return { kind: 'assign', target: m[1]!, assignee: m[2]!, collaboration: null };
  m = new RegExp(String.raw`^(?:have|let|get|ask)\s+(.+?)\s+(?:to\s+)?${COLLAB_VERB}\s+(.+)$`, 'i').exec(c);
  if (m) return { kind: 'assign', target: m[3]!, assignee: m[1]!, collaboration: collaborationOf(m[2]!) };
  m = new RegExp(
    String.raw`^(.+?)\s+(?:should|will|must|can|could|is\s+going\s+to|needs?\s+to|has\s+to|is\s+to|is\s+the\s+one\s+to)\s+${COLLAB_VERB}\s+(.+)$`,
    'i',
  ).exec(c);
  if (m) return { kind: 'assign', target: m[3]!, assignee: m[1]!, collaboration: collaborationOf(m[2]!) };
  m = new RegExp(
    String.raw`^(.+?)\s+(?:should|must|will|has\s+to|needs\s+to)?\s*(?:be\s+)?${PASSIVE_VERB}\s+by\s+(.+)$`,
    'i',
  ).exec(c);
  if (m) return { kind: 'assign', target: m[1]!, assignee: m[3]!, collaboration: collaborationOf(m[2]!) };
  m =
    /^(?:make|put)\s+(.+?)\s+(?:the\s+)?(approver|reviewer|owner|lead|in\s+charge|responsible|strategist)\s+(?:of|for|on)\s+(.+)$/i.exec(
      c,
    );
  if (m) return { kind: 'assign', target: m[3]!, assignee: m[1]!, collaboration: collaborationOf(m[2]!) ?? 'guidance' };
  return null;
}

/** Rule order matters: "remove 2 days from QA" is a duration change, "add a legal review" a new step. */
export function parseInstruction(clause: string): RefineOp {
  const hasDuration = parseDuration(clause) !== null;
  const addsTime =
    /^(?:add|give|allow)\s+(?:it\s+|them\s+)?(?:an?\s+extra\s+|another\s+)?[\w.,-]+\s*[\w-]*\s+(?:to|for|on)\b/i.test(
      clause,
    ) && hasDuration;
  return (
    parseRename(clause) ??
    (hasDuration ? null : parseDrop(clause)) ??
    (addsTime ? null : parseAdd(clause)) ??
    parseRisk(clause) ??
    parseDurationChange(clause) ??
    parseAssign(clause) ?? { kind: 'unknown', clause }
  );
}
