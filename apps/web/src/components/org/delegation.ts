/** Openings that only make the request polite or address it; the instruction follows them. */
const LEADS = [
  /^(hi|hello|hey)\b[,!.]?\s*/i,
  /^(can|could|would|will)\s+(you|they|it)\s+(please\s+)?/i,
  /^i\s+(need|want|would like)\s+(you|them|it)\s+to\s+/i,
  /^(please|pls|kindly)\b[,]?\s*/i,
  /^to\s+/i,
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The chat message that hands `task` to the agent titled `title`. The orchestrator recognises an
 * agent named by its title, and "Ask the <title> to …" is the phrasing its intent model reads as
 * a task addressed to that agent (see packages/core/src/intent/mentions.ts and cues.ts). What the
 * person typed is trimmed of what that sentence already says: greetings, "please", "can you",
 * the agent's own title, a question mark where an instruction now stands.
 */
export function delegationMessage(title: string, task: string): string {
  // "Ask the Recruiter to …" typed in full, or the agent addressed by name: said once, not twice.
  const own = new RegExp(`^((ask|tell)\\s+)?(the\\s+)?${escape(title)}\\b[,:]?\\s*`, 'i');
  let body = task.trim().replace(/\s+/g, ' ');
  for (let changed = true; changed;) {
    changed = false;
    for (const lead of [...LEADS, own]) {
      const next = body.replace(lead, '');
      if (next !== body) {
        body = next;
        changed = true;
      }
    }
  }
  body = body.replace(/\s*\?+$/, '');
  // "Draft the ad" → "draft the ad", but keep acronyms and names ("SEO audit", "Q3 report").
  if (/^[A-Z][a-z]/.test(body)) body = body.charAt(0).toLowerCase() + body.slice(1);
  return `Ask the ${title} to ${body}`;
}

/** What the message starts as before the person has typed the task. */
export const delegationOpening = (title: string): string => `Ask the ${title} to …`;
