/**
 * The chat message that hands `task` to the agent titled `title`. The orchestrator recognises an
 * agent named by its title, and "Ask the <title> to …" is the phrasing its intent model reads as
 * a task addressed to that agent (see packages/core/src/intent/mentions.ts and cues.ts).
 */
export function delegationMessage(title: string, task: string): string {
  let body = task.trim().replace(/^(please\s+)?(to\s+)?/i, '');
  // "Draft the ad" → "draft the ad", but keep acronyms and names ("SEO audit", "Q3 report").
  if (/^[A-Z][a-z]/.test(body)) body = body.charAt(0).toLowerCase() + body.slice(1);
  return `Ask the ${title} to ${body}`;
}
