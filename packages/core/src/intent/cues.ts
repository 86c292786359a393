/**
 * Hand-written cues the intent model gets as extra features. Each one names a way people phrase
 * an intent that word n-grams alone generalise poorly from (few examples, many surface forms).
 * The model learns how much each cue counts; nothing here decides an intent on its own.
 */

/** Lowercased, apostrophes and dashes normalised, single spaces, padded for \b-free matching. */
export function normaliseText(text: string): string {
  return ` ${text.replace(/[’‘`]/g, "'").replace(/[–—]/g, ' - ').toLowerCase().replace(/\s+/g, ' ').trim()} `;
}

export const CUES: ReadonlyArray<[name: string, pattern: RegExp]> = [
  // Feedback on an existing agent's work.
  [
    'feedback_habit',
    /\b(keeps?|kept|again|always|never|every (single )?time|still|constantly|every \w+ (it|they)|each time|habit|second time|third time)\b/,
  ],
  [
    'feedback_change',
    /\b(stop|stops|tone (it )?down|dial (it )?back|going forward|from now on|in future|in the future|next time|make (it|sure it|them)|tell (it|him|her|them)|teach (it|them)|have it|needs to|it should|it has to|it must|should always|should never|ban that|break that habit)\b/,
  ],
  [
    'feedback_context',
    /\b(context|instructions?|guidance|template|checklist|standards?|retrain|re-train|tune|calibrate|knowledge|materials|its (sources|list|mapping|rules|guide))\b/,
  ],
  [
    'complaint',
    /\b(wrong|mistakes?|missed|misses|forgot|forgets|ignor\w+|useless|generic|robotic|outdated|sloppy|inaccurate|made up|making up|too (long|short|formal|casual|vague|many|much|aggressive|conservative|slow|nitpicky|abstract|legalistic|easily)|way too|unreadable|full of|sounds? (like|robotic)|clickbait|jargon|buzzwords|no (explanation|data|sources?)|never (include|say|mention|check|tell))\b/,
  ],
  [
    'praise',
    /\b(loved|love|great job|great work|super helpful|really helpful|nice work|well done|really like|did great|good job|was great)\b/,
  ],
  [
    'its_possessive',
    /\b(its|it's) (docs|reports?|output|answers?|posts?|drafts?|context|instructions|template|checklist|recommendations|estimates|sources|routing)\b/,
  ],
  // Requests for a new agent or a standing capability.
  ['agent_word', /\b(agents?|bots?|assistants?)\b/],
  [
    'create_verb',
    /\b(create|set up|setup|add|build|spin up|stand up|make|hire|get|need|want|introduce|launch|establish)\b[^.?!]{0,40}\b(agents?|bots?|assistants?|capability|function|someone|somebody|something)\b/,
  ],
  [
    'permanent',
    /\b(permanent\w*|ongoing|on an ongoing basis|going forward|from now on|standing (basis|capability)|in.house|dedicated|year.round|all year|continuous\w*|24\/7|around the clock|for good|recurring|on a rolling basis|month after month|owns?|own it)\b/,
  ],
  [
    'recurring',
    /\b(every (day|week|month|quarter|year|release|sprint|morning|time)|each (week|month|quarter|release)|daily|weekly|monthly|quarterly|regularly|constantly|routinely|a (week|month|day|year)\b|per (week|month))\b/,
  ],
  [
    'nobody_owns',
    /\b(no one|nobody|no agent|don't have (anyone|anybody|an agent)|there's no one|isn't covered|not covered|nobody owns|no one owns|we have no)\b/,
  ],
  // Projects: several steps, teams or weeks.
  ['list_colon', /:\s*[^:]+,[^,]+(,| and )/],
  [
    'timespan_long',
    /\b(over the (next|coming)|next (few|couple of|\d+|two|three|four|six) (weeks|months|quarters|sprints)|\d+ (weeks|months|quarters)|(two|three|four|five|six|eight|nine|twelve) (weeks|months|quarters|sprints)|this (quarter|year)|next (quarter|year)|by (q[1-4]|the end of|year.end|end of|january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|autumn|fall|winter)|within the (quarter|year|month)|end of (the )?(year|quarter|month)|h[12]\b|q[1-4]\b|fy\d+|all year|the whole quarter|long.term|before (year|fiscal))/,
  ],
  [
    'timespan_short',
    /\b(today|tonight|tomorrow|tmrw|this (morning|afternoon|evening)|by (friday|monday|tuesday|wednesday|thursday|eod|end of day|noon)|asap|right now|before (the|my) (call|meeting)|in (an|one) hour)\b/,
  ],
  [
    'project_word',
    /\b(project|program|programme|roll.?out|overhaul|initiative|end to end|end-to-end|from scratch|company.wide|across (all|every|the company)|all (teams|departments|offices|services|employees)|every (team|department|office|service|vendor)|migrat\w+|revamp|rebuild|relaunch|launch|expan\w+|transform\w*|re-?design|multi.step|big one)\b/,
  ],
  [
    'plan_verb',
    /(^ | )(plan|organi[sz]e|coordinate|prepare for|get (us|the company) (ready|through)|kick off|set up a (proper|new|company)|run the whole|run a full|build out)\b/,
  ],
  ['sequence', /\b(then|after that|followed by|first[, ]|finally|once that's done|and then)\b/],
  // Direct answers from the orchestrator.
  [
    'org_question',
    /\b(who (does|do|is|are|runs|manages|owns|handles|reports|leads|signs|approves|should|would)|report(s)? to|reports? into|which (agent|department|team|of our agents)|how many (agents|specialists|projects|approvals)|org chart|is there (an? )?(agent|anyone)|do we have (an? |anyone|any)|does anyone|what agents|list (all )?(the )?agents|head of)\b/,
  ],
  [
    'status_question',
    /\b(status|on track|on schedule|progress|where are we|where does|how far|any updates?|blocking|pending|overdue|paused|still running|running right now|finished|done yet|did the|has the|how did (the|our) last|outcome of|how's the|how is the)\b/,
  ],
  [
    'system_question',
    /\b(how do i|how does|how do|can i|what happens|where do i|where can i|is it possible|how (are|is) .* (approved|decided))\b/,
  ],
  [
    'definition_question',
    /\b(what is an?|what's an?|what are|what does .* mean|define|explain|difference between|vs\.?|versus|in plain terms|what do you mean by)\b/,
  ],
  ['greeting', /^ (hi|hello|hey|good (morning|afternoon|evening)|howdy|yo)\b/],
  [
    'thanks',
    /\b(thanks|thank you|thx|ty|appreciate\w*|cheers|much appreciated|lifesaver|great work|nice work|well done)\b/,
  ],
  ['ack', /^ (ok|okay|great|perfect|cool|nice|got it|sounds good|awesome|good|fine|alright)\b/],
  [
    'help_question',
    /\b(what can you|what kinds of things|how can you help|what do you do|how does this work|get started)\b|^ help\W* $/,
  ],
  // A task handed to a named agent ("ask the recruiter to…", "devops engineer: please…").
  [
    'addressed',
    /\b(ask|have|get|let|tell) (the |our )?[a-z]+( [a-z]+)?( [a-z]+)? to (send|write|draft|update|run|check|look|prepare|plan|build|make|add|review|rework|map|share|chase|match|pull|announce|explain|set|handle|put|create|do)\b|^ [a-z]+( [a-z]+)?( [a-z]+)? ?(:|,|-) ?(please|pls|can|could|what|does|do|is|how|where|get|send|draft|add)\b/,
  ],
  // Vague requests.
  [
    'vague_noun',
    /\b(thing|things|stuff|something|issue|situation|mess|matter|one|ones|usual|whatever|everything|everyone|them|that)\b/,
  ],
  [
    'pronoun_object',
    /\b(do|handle|fix|send|finish|book|call|ping|sort|reschedule|push|change|start|approve|update|improve|review|prepare|take) (it|them|this|that|those|these)\b/,
  ],
  [
    'vague_request',
    /\b(do something|do the needful|make it (happen|better)|sort it|handle it|deal with it|take care of it|look into (it|that|this)|the usual|you know|whatever you think|take it from here|get it done|get going|let's go|go ahead)\b/,
  ],
  ['affirm', /^ (yes|yeah|yep|sure|ok|okay|go ahead|please do|do it|let's do|fine|alright|then)\b/],
  ['request_modal', /^ (can|could|would|will) (you|someone|somebody|we|u)\b/],
  ['question_mark', /\?\s*$/],
];

/** Verbs that start a unit of work; several of them in one message usually mean several steps. */
const ACTION_VERBS =
  /(?:^|[,;:.]|\band\b|\bthen\b) ?(write|build|review|run|fix|add|set up|migrate|move|choose|pick|hire|train|launch|plan|design|create|update|document|test|deploy|roll out|evaluate|negotiate|find|map|define|draft|prepare|audit|replace|retire|rewrite|redo|research|interview|publish|promote|analy[sz]e|inventory|score|reconcile|gather|collect|measure|decommission|profile|switch|consolidate|open|select|announce|schedule|organi[sz]e|recruit|implement|automate|integrate|sign|ship|send|book|clean up|set|get|make|turn|produce|grow|cut|reduce|refresh)\b/g;

/** One deliverable, explicitly small. */
const SINGLE_DELIVERABLE =
  /\b(a|one|single|short|quick|the) (quick |short |single |brief |one-page |small )?(post|email|memo|query|slide|summary|list|table|draft|job ad|job description|checklist|chart|caption|tweet|thread|faq( entry)?|runbook|script|message|reply|answer|number|figure|breakdown|estimate|recommendation|quote)\b|\b(just|only) (a|one|the)\b|\bnothing fancy\b/;

/** A question about the company's own data (analysis work) rather than a definition. */
const OWN_DATA_QUESTION = /^ (what|how|which|why|where|is|are|did|do|does|have|has|can)\b.*\b(our|we|my|us)\b/;
const GENERIC_QUESTION =
  /^ (what('s| is| are)|define|explain|how (is|does|do)) (a|an|the difference|the meaning|[a-z]+ (mean|stand for))\b|\bin (general|plain terms)\b|\btypical(ly)?\b/;
const ABOUT_WORK_STATUS =
  /\b(project|rollout|migration|initiative|offsite|program|step|approval|plan)\b.*\b(status|on track|on schedule|progress|done|finished|blocked|late|stand)\b|\b(status|progress) (of|on)\b/;

/** Names of the cues that fire on a text. */
export function textCues(text: string): string[] {
  const t = normaliseText(text);
  const out = CUES.filter(([, re]) => re.test(t)).map(([name]) => name);
  const verbs = [...t.matchAll(ACTION_VERBS)].length;
  if (verbs >= 2) out.push('verbs_2plus');
  if (verbs >= 3) out.push('verbs_3plus');
  if (SINGLE_DELIVERABLE.test(t)) out.push('single_deliverable');
  if (OWN_DATA_QUESTION.test(t)) out.push('own_data_question');
  if (GENERIC_QUESTION.test(t)) out.push('generic_question');
  if (ABOUT_WORK_STATUS.test(t)) out.push('work_status');
  return out;
}
