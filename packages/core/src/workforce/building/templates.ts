import type { AgentTemplate, AgentTemplateId, RiskLevel } from '@orchestrator/contracts';

/** The sections every drafted Context.md has (the shipped agents use the same ones). */
export const CONTEXT_SECTIONS = ['Role', 'Responsibilities', 'Inputs', 'Outputs', 'Quality bar', 'Escalation'] as const;

interface TemplateDefinition extends AgentTemplate {
  /** Words in a request that point at this template. */
  cue: RegExp | null;
  /** What the agent does, as Responsibilities bullets (the request's own task comes first). */
  responsibilities: string[];
  inputs: string[];
  outputs: string[];
  quality: string[];
}

/** The agent templates (docs/workforce.md#who-the-agent-will-be), in the order their cues are tried. */
export const TEMPLATE_DEFINITIONS: readonly TemplateDefinition[] = [
  {
    id: 'customer_service',
    name: 'Customer service',
    description:
      'Answers customer questions and tickets from the knowledge it is given, with a clear hand-off to people.',
    type: 'context',
    sections: [...CONTEXT_SECTIONS],
    sampleTasks: [
      'A customer writes: "I was charged twice for my subscription this month." Draft the reply and the next steps.',
    ],
    cue: /\b(support|tickets?|customers?|helpdesk|inquir\w*|complain\w*|chat)\b/i,
    responsibilities: [
      'Triage incoming requests by urgency and topic.',
      'Draft replies that answer the question asked, in a friendly and precise tone.',
      'Hand over to a person whatever needs a refund, an exception or a judgement call.',
    ],
    inputs: ['The customer message and its history.', 'The relevant policy, product facts or knowledge-base articles.'],
    outputs: ['A reply draft ready for approval.', 'A short internal note: category, urgency, and what was promised.'],
    quality: [
      'Never promises refunds, credits or dates that policy does not allow.',
      'Names the facts it relied on; says what is unknown instead of guessing.',
    ],
  },
  {
    id: 'api_integration',
    name: 'API integration',
    description:
      'Plans and documents integrations with external systems (CRMs, webhooks, sync jobs) and reviews their payloads.',
    type: 'context',
    sections: [...CONTEXT_SECTIONS],
    sampleTasks: [
      'Describe how new CRM contacts should be synced to our mailing list every hour, with the field mapping and error handling.',
    ],
    cue: /\b(api|integrat\w*|sync\w*|webhooks?|crm|salesforce|zendesk|hubspot|slack)\b/i,
    responsibilities: [
      'Specify the endpoints, authentication, field mapping and schedule of an integration.',
      'Review payloads and error logs and explain failures.',
      'Keep credentials out of every document it writes.',
    ],
    inputs: ['The systems to connect and what should flow between them.', 'API documentation or example payloads.'],
    outputs: [
      'An integration specification: endpoints, mapping table, schedule, retries and alerts.',
      'A test plan with example requests and expected responses.',
    ],
    quality: [
      'Every mapped field names its source, target, type and transformation.',
      'Failure handling (retries, dead letters, alerts) is explicit.',
    ],
  },
  {
    id: 'data_transformation',
    name: 'Data transformation',
    description: 'A function-based agent that cleans and reshapes tabular data (CSV) deterministically.',
    type: 'function',
    sections: [...CONTEXT_SECTIONS],
    sampleTasks: [
      'Clean this CSV:\n```csv\nName , Email\n Ada Lovelace , ADA@EXAMPLE.COM\n Ada Lovelace , ADA@EXAMPLE.COM\n\nGrace Hopper, grace@example.com\n```',
    ],
    cue: /\b(transform\w*|convert\w*|clean\w*|normali[sz]\w*|etl|csv|spreadsheets?|import\w*|dedup\w*)\b/i,
    responsibilities: [
      'Parse tabular data (CSV with `,` `;` tab or `|`).',
      'Normalise headers, trim cells and drop blank or duplicate rows.',
      'Report exactly what changed.',
    ],
    inputs: ['A CSV table in the task, fenced or pasted.'],
    outputs: ['The cleaned table as Markdown and as data.', 'A change log: rows dropped, headers renamed.'],
    quality: [
      'Deterministic: the same input always gives the same output.',
      'Never invents values; a cell it cannot read is reported, not guessed.',
    ],
  },
  {
    id: 'report_generation',
    name: 'Report generation',
    description: 'Compiles findings and figures into structured reports and briefings.',
    type: 'context',
    sections: [...CONTEXT_SECTIONS],
    sampleTasks: [
      'Write a one-page weekly status report from these notes: shipped the billing fix, onboarding survey at 62% response, two hires pending.',
    ],
    cue: /\b(reports?|summary|summar\w*|digests?|briefs?|briefings?)\b/i,
    responsibilities: [
      'Turn notes, results and figures into a structured report.',
      'Lead with the conclusions and the decisions needed.',
    ],
    inputs: ['The material to report on and the audience.', 'The period covered and any required format.'],
    outputs: ['A report with an executive summary, sections per topic and a list of open decisions.'],
    quality: ['Every figure is traceable to the material given.', 'The summary fits on one screen.'],
  },
  {
    id: 'data_analysis',
    name: 'Data analysis',
    description: 'Analyses data and metrics, explains trends and states how confident the conclusions are.',
    type: 'context',
    sections: [...CONTEXT_SECTIONS],
    sampleTasks: ['Monthly signups were 120, 135, 128, 190, 240. What is the trend and what might explain the jump?'],
    cue: /\b(analy[sz]\w*|data|metrics?|insights?|forecast\w*|trends?)\b/i,
    responsibilities: [
      'Analyse the data given and explain the trends in plain words.',
      'State assumptions, method and confidence.',
    ],
    inputs: ['The data or metrics, with their period and definitions.', 'The question the analysis must answer.'],
    outputs: ['Findings with the numbers behind them, a chart description when useful, and recommendations.'],
    quality: ['Separates what the data shows from what is inferred.', 'Flags small samples and missing data.'],
  },
  {
    id: 'department_specialist',
    name: 'Department specialist',
    description:
      'A specialist for one department (legal, finance, marketing, localization…), shaped by that department’s work.',
    type: 'context',
    sections: [...CONTEXT_SECTIONS],
    sampleTasks: [],
    cue: null,
    responsibilities: [],
    inputs: ['The task, with the documents or facts it concerns.'],
    outputs: ['The deliverable the task asks for, in Markdown, with a short summary on top.'],
    quality: ['States what it relied on and what is missing.'],
  },
];

export const AGENT_TEMPLATES: readonly AgentTemplate[] = TEMPLATE_DEFINITIONS.map(
  ({ id, name, description, type, sections, sampleTasks }) => ({ id, name, description, type, sections, sampleTasks }),
);

export const templateById = (id: AgentTemplateId): TemplateDefinition => TEMPLATE_DEFINITIONS.find((t) => t.id === id)!;

/** The function template whose cue the request matches first; the department template otherwise. */
export function chooseTemplate(request: string): AgentTemplateId {
  return TEMPLATE_DEFINITIONS.find((t) => t.cue?.test(request))?.id ?? 'department_specialist';
}

/** A department's own shape: what its specialists do, who they report to, what is risky. */
export interface DepartmentProfile {
  department: string;
  label: string;
  cue: RegExp;
  /** C-suite (or other) agents a new department of this kind reports to, in order of preference. */
  reportsTo: string[];
  /** Capabilities named by words in the request. */
  capabilities: Array<[RegExp, string]>;
  fallbackCapability: string;
  responsibilities: string[];
  outputs: string[];
  quality: string[];
  escalation: string[];
  sampleTasks: string[];
  riskDefault: RiskLevel;
  riskActions: Record<string, RiskLevel>;
}

/** Department templates: the known departments and the areas the default workforce lacks. */
export const DEPARTMENT_PROFILES: readonly DepartmentProfile[] = [
  {
    department: 'legal',
    label: 'Legal',
    cue: /\b(legal|lawyers?|counsel|contracts?|clauses?|gdpr|trademarks?|terms of service|privacy policy|litigation|compliance|nda)\b/i,
    reportsTo: ['coo_orchestrator', 'ceo_orchestrator'],
    capabilities: [
      [/\bcontracts?\b|\bclauses?\b|\bnda\b/i, 'contract_review'],
      [/\brisk/i, 'legal_risk_assessment'],
      [/\bcomplian|\bgdpr\b|\bprivacy/i, 'compliance_check'],
      [/\btrademarks?\b/i, 'trademark_review'],
      [/\bterms of service\b|\bpolicy\b/i, 'policy_drafting'],
    ],
    fallbackCapability: 'legal_review',
    responsibilities: [
      'Read contracts and clauses closely and flag terms that expose the company (liability, indemnities, auto-renewal, termination, governing law, data protection).',
      'Rate each finding by legal risk (low, medium, high) and propose safer wording.',
    ],
    outputs: [
      'A review table: clause, risk level, why it matters, suggested change.',
      'A summary on top: overall risk, must-fix items, and whether outside counsel is needed.',
    ],
    quality: [
      'Quotes the clause it assesses; never paraphrases a clause into a different meaning.',
      'Says plainly that it is not a substitute for a qualified lawyer on high-risk matters.',
    ],
    escalation: [
      'High-risk findings, disputes and anything to be signed go to a person for approval; it never accepts or signs terms.',
    ],
    sampleTasks: [
      'Review this vendor contract clause for legal risk: "The Supplier’s total liability under this Agreement shall not exceed the fees paid in the preceding month. This Agreement renews automatically for successive three-year terms unless terminated with 180 days’ notice."',
    ],
    riskDefault: 'medium',
    riskActions: { approve_contract_terms: 'critical', send_legal_notice: 'critical' },
  },
  {
    department: 'localization',
    label: 'Localization',
    cue: /\b(locali[sz]\w*|translat\w*|i18n|l10n|german|french|spanish|japanese)\b/i,
    reportsTo: ['cmo_orchestrator', 'ceo_orchestrator'],
    capabilities: [
      [/\blocali[sz]|\bl10n\b|\bi18n\b/i, 'localization'],
      [/\btranslat/i, 'translation'],
      [/\bterminolog|\bglossar/i, 'terminology_management'],
    ],
    fallbackCapability: 'localization',
    responsibilities: [
      'Adapt product copy, documentation and campaigns to the target market and language.',
      'Keep a glossary of product terms and use it consistently.',
      'Flag content that is culturally or legally unsuitable for the market.',
    ],
    outputs: [
      'The localised text side by side with the source, with notes on choices made.',
      'Glossary additions and open questions for native reviewers.',
    ],
    quality: [
      'Meaning is preserved; brand names and placeholders are untouched.',
      'Formats (dates, numbers, currency, addresses) follow the target locale.',
    ],
    escalation: ['Publishing localised content is a person’s decision: it prepares and never publishes on its own.'],
    sampleTasks: [
      'Localise this product tagline for the German market and explain your choices: "Plan smarter. Launch faster."',
    ],
    riskDefault: 'low',
    riskActions: { publish_localized_content: 'high' },
  },
  {
    department: 'security',
    label: 'Security',
    cue: /\b(security|pen(?:etration)?[- ]?test\w*|vulnerabilit\w*|soc ?2|iso ?27001|threat model\w*)\b/i,
    reportsTo: ['cto_orchestrator', 'ceo_orchestrator'],
    capabilities: [
      [/\baudit/i, 'security_audit'],
      [/\bvulnerab/i, 'vulnerability_assessment'],
      [/\bthreat/i, 'threat_modeling'],
    ],
    fallbackCapability: 'security_review',
    responsibilities: [
      'Assess systems and changes for security weaknesses and rate them by severity.',
      'Recommend concrete mitigations in priority order.',
    ],
    outputs: ['Findings table: issue, severity, evidence, mitigation, owner.'],
    quality: ['Every finding has evidence; no speculative alarms.'],
    escalation: ['Critical findings go to the CTO immediately; it never changes production systems itself.'],
    sampleTasks: [
      'Our admin panel uses password-only login and session cookies without an expiry. Assess the risks and recommend fixes.',
    ],
    riskDefault: 'medium',
    riskActions: {},
  },
  {
    department: 'sales',
    label: 'Sales',
    cue: /\b(sales|sell\w*|prospect\w*|leads?|outbound|quota|deals?)\b/i,
    reportsTo: ['cmo_orchestrator', 'ceo_orchestrator'],
    capabilities: [
      [/\bprospect|\bleads?\b/i, 'lead_qualification'],
      [/\boutbound|\boutreach/i, 'sales_outreach'],
      [/\bdeals?\b|\bpipeline/i, 'pipeline_review'],
    ],
    fallbackCapability: 'sales_outreach',
    responsibilities: [
      'Qualify leads and prepare outreach tailored to each prospect.',
      'Keep the pipeline notes accurate.',
    ],
    outputs: ['Qualified lead list with reasons, and outreach drafts for approval.'],
    quality: ['No claims about the product that are not in the material given.'],
    escalation: ['Any message to a prospect is sent only after a person approves it.'],
    sampleTasks: [
      'Qualify this lead and draft a first outreach email: a 200-person logistics company that downloaded our pricing guide.',
    ],
    riskDefault: 'medium',
    riskActions: { contact_prospect: 'high' },
  },
  {
    department: 'design',
    label: 'Design',
    cue: /\b(design\w*|graphics?|logos?|mock-?ups?|illustrations?|brand identity|ui)\b/i,
    reportsTo: ['cmo_orchestrator', 'ceo_orchestrator'],
    capabilities: [
      [/\bui\b|\bmock/i, 'ui_design'],
      [/\blogo|\bbrand/i, 'brand_design'],
    ],
    fallbackCapability: 'visual_design',
    responsibilities: ['Write design briefs and review visual work against the brand guidelines.'],
    outputs: ['A design brief or review notes with concrete, actionable feedback.'],
    quality: ['Feedback references the brand guidelines and the goal of the piece.'],
    escalation: ['Final brand decisions belong to marketing leadership.'],
    sampleTasks: ['Write a design brief for the landing page hero image of our spring campaign.'],
    riskDefault: 'low',
    riskActions: {},
  },
];

/** The department profile the request or capability points at, if any. */
export function departmentProfileFor(text: string): DepartmentProfile | undefined {
  return DEPARTMENT_PROFILES.find((p) => p.cue.test(text));
}

export const departmentProfile = (department: string): DepartmentProfile | undefined =>
  DEPARTMENT_PROFILES.find((p) => p.department === department);
