import type { AgentSummary, Conversation, Message } from '@orchestrator/contracts';

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
