import { stems } from '../text.js';
import type { ProjectTemplate } from '../types.js';
import { HIRING } from './hiring.js';
import { INCIDENT_POSTMORTEM } from './incident-postmortem.js';
import { PRODUCT_LAUNCH } from './product-launch.js';
import { QUARTERLY_BUDGET } from './quarterly-budget.js';
import { VENDOR_ONBOARDING } from './vendor-onboarding.js';

export const PROJECT_TEMPLATES: ProjectTemplate[] = [
  PRODUCT_LAUNCH,
  HIRING,
  QUARTERLY_BUDGET,
  VENDOR_ONBOARDING,
  INCIDENT_POSTMORTEM,
];

/** A pattern hit is worth this many keyword hits. */
const PATTERN_WEIGHT = 3;
const MIN_SCORE = 3;

export function scoreTemplate(template: ProjectTemplate, request: string): number {
  const requestStems = new Set(stems(request));
  const keywordHits = new Set(template.keywords.flatMap((k) => stems(k)).filter((s) => requestStems.has(s))).size;
  const patternHits = template.patterns.filter((p) => p.test(request)).length;
  return patternHits * PATTERN_WEIGHT + keywordHits;
}

/** The template whose phrases and words the request uses most; null when none fits well. */
export function selectTemplate(
  request: string,
  templates: readonly ProjectTemplate[] = PROJECT_TEMPLATES,
): ProjectTemplate | null {
  let best: ProjectTemplate | null = null;
  let bestScore = 0;
  for (const t of templates) {
    const score = scoreTemplate(t, request);
    if (score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return bestScore >= MIN_SCORE ? best : null;
}
