import type {
  AgentSummary,
  Approval,
  CheckpointInfo,
  ProjectError,
  ProjectStep,
  Conversation,
  DelegationInfo,
  Message,
  Plan,
  PlanStep,
  PlanVersion,
  ProjectDetail,
  ProjectSummary,
} from '@orchestrator/contracts';
import type { TimelineItem } from '../stores/timeline';

let counter = 0;
/** A valid, unique v4-shaped uuid (the contracts validate ids as uuids). */
export function uuid(): string {
  counter += 1;
  const hex = counter.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  const at = '2026-11-20T10:00:00.000Z';
  return { id: uuid(), title: 'Budget planning', createdAt: at, updatedAt: at, lastMessageAt: null, ...overrides };
}

export function message(overrides: Partial<Message> & Pick<Message, 'conversationId'>): Message {
  return {
    id: uuid(),
    seq: 1,
    role: 'user',
    author: null,
    agentName: null,
    content: 'Hello',
    metadata: {},
    createdAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

export function agent(overrides: Partial<AgentSummary> & Pick<AgentSummary, 'name'>): AgentSummary {
  return {
    title: overrides.name,
    department: 'executive',
    type: 'context',
    reportsTo: null,
    description: 'An agent',
    capabilities: ['answer_questions'],
    status: 'online',
    currentLoad: 0,
    maxConcurrent: 1,
    loadError: null,
    ...overrides,
  };
}

export function planStep(overrides: Partial<PlanStep> & Pick<PlanStep, 'id'>): PlanStep {
  return {
    name: overrides.id.replace(/_/g, ' '),
    description: '',
    type: 'standard',
    department: null,
    dependsOn: [],
    assignedAgent: null,
    assignedHuman: null,
    collaboration: null,
    capability: null,
    riskLevel: 'low',
    estimatedDuration: { value: 1, unit: 'weeks' },
    ...overrides,
  };
}

export function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    title: 'Launch the new product',
    request: 'Plan the launch of our new product',
    template: null,
    department: 'cross',
    horizon: 'long_term',
    steps: [planStep({ id: 'research' })],
    criticalPath: { stepIds: ['research'], totalMinutes: 2400, display: { value: 1, unit: 'weeks' } },
    warnings: [],
    ...overrides,
  };
}

export function planVersion(version: number, planOverrides: Partial<Plan> = {}, changeSummary = ''): PlanVersion {
  return { version, plan: plan(planOverrides), changeSummary, createdAt: '2026-11-20T10:00:00.000Z' };
}

export function projectSummary(overrides: Partial<ProjectSummary> = {}): ProjectSummary {
  const at = '2026-11-20T10:00:00.000Z';
  return {
    id: uuid(),
    title: 'Launch the new product',
    status: 'awaiting_plan_approval',
    department: 'cross',
    projectType: 'standard',
    conversationId: uuid(),
    currentPlanVersion: 1,
    estimatedDurationMinutes: 2400,
    approvedAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function projectDetail(overrides: Partial<ProjectDetail> = {}): ProjectDetail {
  const summary = projectSummary(overrides);
  const version = summary.currentPlanVersion ?? 1;
  return { ...summary, plan: planVersion(version), diff: null, ...overrides };
}

export function delegation(overrides: Partial<DelegationInfo> = {}): DelegationInfo {
  return {
    id: uuid(),
    agent: 'financial_analyst',
    agentTitle: 'Financial Analyst',
    reason: 'Best match for budget analysis.',
    candidates: [
      {
        agent: 'financial_analyst',
        title: 'Financial Analyst',
        score: 0.92,
        load: 1,
        maxConcurrent: 3,
        available: true,
      },
      { agent: 'controller', title: 'Controller', score: 0.61, load: 2, maxConcurrent: 2, available: false },
    ],
    fallbackFrom: null,
    kind: 'function',
    rating: null,
    ...overrides,
  };
}

export function projectStep(overrides: Partial<ProjectStep> & Pick<ProjectStep, 'stepKey'>): ProjectStep {
  return {
    parentKey: null,
    name: overrides.stepKey.replace(/_/g, ' '),
    type: 'standard',
    status: 'pending',
    department: null,
    assignedAgent: null,
    assignedHuman: null,
    collaboration: null,
    riskLevel: 'low',
    dependencies: [],
    attempt: 1,
    resultPreview: null,
    resultSizeBytes: null,
    startedAt: null,
    completedAt: null,
    ...overrides,
  };
}

export function projectError(overrides: Partial<ProjectError> = {}): ProjectError {
  return {
    id: uuid(),
    stepKey: null,
    category: 'tool_failure',
    severity: 'high',
    message: 'The mail server refused the connection.',
    attempt: 3,
    recoveryAction: null,
    resolvedAt: null,
    createdAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

export function checkpoint(overrides: Partial<CheckpointInfo> & Pick<CheckpointInfo, 'checkpointId'>): CheckpointInfo {
  return {
    parentCheckpointId: null,
    step: 1,
    source: 'loop',
    createdAt: '2026-11-20T10:00:00.000Z',
    completedSteps: [],
    next: [],
    events: [],
    ...overrides,
  };
}

export function approval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: uuid(),
    kind: 'action',
    projectId: uuid(),
    projectTitle: 'Launch the new product',
    stepKey: 'send_launch_email',
    stepName: 'Send the launch email',
    agentName: 'email_marketer',
    department: 'marketing',
    action: 'send_email',
    riskLevel: 'high',
    status: 'pending',
    preview: {
      summary: 'Sends the launch email to 12,000 customers.',
      details: { recipients: 12000, subject: 'We launched!' },
    },
    requestedAt: '2026-11-20T10:00:00.000Z',
    expiresAt: null,
    decidedAt: null,
    decidedBy: null,
    decisionNotes: null,
    escalationLevel: 0,
    escalatedTo: null,
    ...overrides,
  };
}

/** A stored assistant message as the chat timeline holds it ("Hello", no extras). */
export function timelineItem(overrides: Partial<TimelineItem> = {}): TimelineItem {
  return {
    key: 'k',
    role: 'assistant',
    agentName: null,
    content: 'Hello',
    offline: false,
    createdAt: '2026-11-21T09:30:00.000Z',
    state: 'stored',
    error: null,
    author: null,
    intent: null,
    project: null,
    delegation: null,
    offlineDraft: false,
    agentBuildId: null,
    improvement: null,
    secretsRedacted: 0,
    retry: null,
    ...overrides,
  };
}
