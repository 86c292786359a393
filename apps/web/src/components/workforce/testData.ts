import type {
  AgentBuild,
  AgentDefinition,
  AgentDetail,
  AgentImprovement,
  AgentMetrics,
  AgentVersionConflict,
} from '@orchestrator/contracts';
import { uuid } from '../../testing/factories';

const at = '2026-11-21T10:00:00.000Z';

/** Test data for the Workforce specs: valid against the contracts. */
export function definition(overrides: Partial<AgentDefinition> = {}): AgentDefinition {
  return {
    name: 'blog_post_writer',
    title: 'Blog Post Writer',
    department: 'marketing',
    type: 'context',
    reportsTo: 'marketing_manager_orchestrator',
    description: 'Writes blog posts.',
    capabilities: ['blog_post_writing', 'headline_writing'],
    keywords: ['blog'],
    risk: { default: 'low', actions: { publish_post: 'high' } },
    model: { provider: 'default', temperature: 0.7 },
    limits: { maxConcurrent: 4 },
    ...overrides,
  };
}

export function metrics(overrides: Partial<AgentMetrics> = {}): AgentMetrics {
  return {
    name: 'blog_post_writer',
    tasks: 12,
    successes: 9,
    failures: 3,
    successRate: 0.75,
    avgDurationMs: 4_200,
    ratings: 4,
    avgRating: 4.5,
    tokens: 12_000,
    costUsd: 0.42,
    ...overrides,
  };
}

export function agentDetail(overrides: Partial<AgentDetail> = {}): AgentDetail {
  const def = definition();
  return {
    name: def.name,
    title: def.title,
    department: def.department,
    type: def.type,
    reportsTo: def.reportsTo,
    description: def.description,
    capabilities: def.capabilities,
    status: 'online',
    currentLoad: 0,
    maxConcurrent: 4,
    loadError: null,
    definition: def,
    contextMd: '# Blog Post Writer\n\nWrite clearly.\n',
    version: 3,
    sourcePath: 'agents/marketing/blog_post_writer',
    updatedAt: at,
    metrics: metrics(),
    ...overrides,
  };
}

export function conflict(overrides: Partial<AgentVersionConflict> = {}): AgentVersionConflict {
  return {
    baseVersion: 3,
    currentVersion: 4,
    current: {
      version: 4,
      authorType: 'user',
      author: 'sarah@example.com',
      message: 'Tighter tone',
      restoredFrom: null,
      contentHash: null,
      createdAt: at,
      contextMd: '# Blog Post Writer\n\nWrite tightly.\n',
      definition: definition(),
    },
    diff: { from: 3, to: 4, contextDiff: '@@ -3 +3 @@\n-Write clearly.\n+Write tightly.\n', definitionDiff: '' },
    ...overrides,
  };
}

export function build(overrides: Partial<AgentBuild> = {}): AgentBuild {
  return {
    id: uuid(),
    status: 'drafting',
    request: 'An agent that answers invoice questions',
    template: 'customer_service',
    capability: 'invoice_questions',
    draft: null,
    validation: null,
    approvalId: null,
    conversationId: null,
    projectId: null,
    stepKey: null,
    error: null,
    createdBy: 'owner',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function improvement(overrides: Partial<AgentImprovement> = {}): AgentImprovement {
  return {
    id: uuid(),
    agentName: 'blog_post_writer',
    triggerType: 'user_feedback',
    triggerDetails: { feedback: 'Too long' },
    reason: 'Posts run too long for the blog.',
    proposedContextMd: '# Blog\n\nKeep posts under 800 words.\n',
    diff: '@@ -1 +1 @@\n-old\n+new\n',
    status: 'proposed',
    baseVersion: 3,
    newVersion: null,
    approvalId: null,
    createdAt: at,
    appliedAt: null,
    rolledBackAt: null,
    ...overrides,
  };
}
