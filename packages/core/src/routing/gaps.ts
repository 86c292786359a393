/**
 * Areas the default workforce deliberately does not cover (docs/offline-intent-model.md): requests there are
 * capability gaps, which intent recognition turns into BUILD_AGENT and the planner into a step
 * that builds the missing agent. Each area has strong phrases (unambiguous on their own) and weak
 * ones (only count together with another hit), so "check the gender pay gap in the support team"
 * is not mistaken for customer support while "answer support tickets from customers" is.
 */
export const GAP_AREAS = [
  'legal',
  'sales',
  'customer_support',
  'localization',
  'security',
  'design',
  'medical',
  'procurement',
] as const;
export type GapArea = (typeof GAP_AREAS)[number];

interface AreaLexicon {
  /** The capability an agent built for the area gets first. */
  capability: string;
  /** How a step names the area: "Build a <label> agent". */
  label: string;
  strong: RegExp;
  weak?: RegExp;
}

const LEXICON: Record<GapArea, AreaLexicon> = {
  legal: {
    capability: 'legal_review',
    label: 'legal',
    strong:
      /\b(legal|lawyers?|counsel|attorneys?|law firm|nda|ndas|gdpr|ccpa|dpas?|data processing agreements?|terms of service|terms and conditions|t&cs|trademarks?|patents?|prior.art|intellectual property|litigation|lawsuits?|employment law|contract law|immigration|visas?|work permits?|export control|contract review|redlines?|msas?|liability caps?|data subject requests?|privacy (law|regulations?)|advertising law)\b/,
    weak: /\b(contracts?|privacy polic(y|ies)|clauses?|compliance|complies|comply|regulat\w*|sweepstakes|promotions? rules?|partnership agreements?)\b/,
  },
  sales: {
    capability: 'sales_outreach',
    label: 'sales',
    strong:
      /\b(sales (development|ops|operations|forecast\w*|agent|reps?|pipeline|proposals?|engineer|team|calls?)|sdrs?|bdrs?|account executives? agent|lead scoring|lead gen\w*|(inbound|new|qualified|bad|sales|hot|warm) leads|leads from|prospect\w*|outbound|cold (emails?|calls?|outreach)|crm (hygiene|clean\w*|contacts?|pipeline|data)|(close|closing|losing|lose) deals|deal stages?|quota|upsell\w*|expansion opportunit\w+|demo requests?|commissions? statements?|resellers? partners?)\b/,
    weak: /\b(sales|proposals?|rfps?|pipeline review|renewals?|trial signups?|leads?|crm|deals?)\b/,
  },
  customer_support: {
    capability: 'customer_support',
    label: 'customer support',
    strong:
      /\b(customer (support|service|success|emails?|questions?|tickets?|complaints?|queries|onboarding calls?)|support (tickets?|inbox|queue|backlog|agent|emails?|forum)|tickets? from customers|customers?'? tickets|help ?desk for customers|help ?cent(er|re) articles?|zendesk|intercom|in.app chat|live chat|refund requests?|csat|first.line|tier.?1|app store reviews?|customers? (ask|wait|email|write|send))\b/,
    weak: /\b(tickets?|support|customers?|helpdesk|refunds?|nps|satisfaction)\b/,
  },
  localization: {
    capability: 'localization',
    label: 'localization',
    strong:
      /\b(translat\w*|locali[sz]\w*|multilingual|i18n|l10n|in (french|german|spanish|italian|portuguese|japanese|korean|chinese|dutch|polish|arabic)|(french|german|spanish|italian|portuguese|japanese|korean|chinese)( and \w+)? (translation|version|speakers?))\b/,
    weak: /\b(languages?|french|german|spanish|italian|portuguese|japanese|korean|chinese|glossary)\b/,
  },
  security: {
    capability: 'security_audit',
    label: 'security audit',
    strong:
      /\b(security (audit\w*|auditor|assessments?|agent|reviews? of (our )?infra\w*|questionnaires?|awareness|controls?|scans?)|pen(etration)?[- ]?test\w*|vulnerabilit\w+|cves?|soc ?2|iso ?27001|phishing|firewall rules?|intrusion|suspicious logins?|access reviews?|admin rights|iam policies|misconfigurations?|hardening|threat model\w*)\b/,
    weak: /\b(security|secure|audit\w*|breach\w*|exposed data)\b/,
  },
  design: {
    capability: 'visual_design',
    label: 'visual design',
    strong:
      /\b((graphic|visual|ui|ux|product|brand) design\w*|brand identity|graphics?|designers?|logos?|illustrations?|icons|banners?|mock[- ]?ups?|wireframes?|visuals|creatives|diagrams?|signage|booth design|slide design|landing page layouts?)\b/,
    weak: /\b(design|layout|look (nicer|professional)|templates?)\b/,
  },
  medical: {
    capability: 'medical_review',
    label: 'medical',
    strong:
      /\b(medical\w*|clinical\w*|clinicians?|patients?|health (claims?|content|advice|articles?|blog)|doctors?|nurses?|pharma\w*|drugs?|symptoms?|diagnos\w+|sports medicine|telehealth|care team)\b/,
    weak: /\b(health|wellness|nutrition)\b/,
  },
  procurement: {
    capability: 'procurement',
    label: 'procurement',
    strong:
      /\b(procurement|tenders?|tendering|purchasing|purchase requisitions?|purchase requests?|public.sector bids?|strategic sourcing|category management|buyers are|raw materials)\b/,
    weak: /\b(purchase orders?|bids?|sourcing|suppliers? onboarding)\b/,
  },
};

export interface GapHit {
  area: GapArea;
  /** 2 per strong phrase, 1 per weak one. */
  strength: number;
  matched: string[];
}

const COMPILED = GAP_AREAS.map((area) => ({
  area,
  any: new RegExp(`${LEXICON[area].strong.source}|${LEXICON[area].weak?.source ?? '$^'}`),
  strong: new RegExp(LEXICON[area].strong.source, 'g'),
  weak: LEXICON[area].weak ? new RegExp(LEXICON[area].weak!.source, 'g') : undefined,
}));

const normalise = (text: string): string => ` ${text.toLowerCase().replace(/[’‘`]/g, "'").replace(/\s+/g, ' ')} `;

/** Gap areas the text points at, strongest first; a lone weak phrase does not count. */
export function detectGapAreas(text: string): GapHit[] {
  const t = normalise(text);
  const hits: GapHit[] = [];
  for (const lex of COMPILED) {
    if (!lex.any.test(t)) continue;
    const area = lex.area;
    // matchAll clones the regex, so the shared lastIndex is never disturbed.
    const strong = [...t.matchAll(lex.strong)].map((m) => m[0]);
    const weak = lex.weak
      ? [...t.matchAll(lex.weak)].map((m) => m[0]).filter((w) => !strong.some((s) => s.includes(w)))
      : [];
    const strength = 2 * strong.length + weak.length;
    if (strong.length > 0 || weak.length >= 2)
      hits.push({ area, strength, matched: [...new Set([...strong, ...weak])] });
  }
  return hits.sort((a, b) => b.strength - a.strength);
}

/** A gap area as the planner uses it: the capability to build and how a step names it. */
export interface GapAreaInfo {
  area: GapArea;
  capability: string;
  label: string;
}

const info = (area: GapArea): GapAreaInfo => ({
  area,
  capability: LEXICON[area].capability,
  label: LEXICON[area].label,
});

/** The gap area a text points at most strongly (a lone weak phrase does not count). */
export function gapAreaFor(text: string): GapAreaInfo | null {
  const hit = detectGapAreas(text)[0];
  return hit ? info(hit.area) : null;
}

/** The area whose new agents start with this capability, else the area its words point at. */
export function gapAreaOfCapability(capability: string): GapAreaInfo | null {
  const area = GAP_AREAS.find((a) => LEXICON[a].capability === capability);
  return area ? info(area) : gapAreaFor(capability.replace(/_/g, ' '));
}
