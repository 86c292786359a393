import { describe, expect, it } from 'vitest';
import { AgentDefinitionSchema } from './agents.js';
import { ApproveRemainingBodySchema } from './approvals.js';
import {
  CONVERSATION_SEARCH_MAX_CHARS,
  CONVERSATION_TITLE_MAX_CHARS,
  ConversationListQuerySchema,
  MESSAGE_MAX_CHARS,
  RenameConversationBodySchema,
  SendMessageBodySchema,
} from './conversations.js';

const minimal = {
  name: 'report_writer',
  title: 'Report Writer',
  department: 'marketing',
  type: 'context',
  reportsTo: 'marketing_manager_orchestrator',
  description: 'Writes reports.',
  capabilities: ['report_writing'],
  risk: { default: 'low' },
};

describe('AgentDefinitionSchema', () => {
  it('should fill defaults for optional sections', () => {
    const parsed = AgentDefinitionSchema.parse(minimal);
    expect(parsed).toMatchObject({
      keywords: [],
      model: { provider: 'default' },
      limits: { maxConcurrent: 1 },
      risk: { actions: {} },
    });
  });

  it('should reject unknown keys so typos surface', () => {
    const result = AgentDefinitionSchema.safeParse({ ...minimal, reportTo: 'x' });
    expect(result.success).toBe(false);
  });

  it('should reject names that are not snake_case', () => {
    expect(AgentDefinitionSchema.safeParse({ ...minimal, name: 'Report Writer' }).success).toBe(false);
  });
});

describe('SendMessageBodySchema', () => {
  it('should refuse empty, blank and oversized content', () => {
    expect(SendMessageBodySchema.safeParse({ content: '' }).success).toBe(false);
    expect(SendMessageBodySchema.safeParse({ content: ' \n\t' }).success).toBe(false);
    expect(SendMessageBodySchema.safeParse({ content: 'x'.repeat(MESSAGE_MAX_CHARS + 1) }).success).toBe(false);
    expect(SendMessageBodySchema.safeParse({ content: 'x'.repeat(MESSAGE_MAX_CHARS) }).success).toBe(true);
  });
});

describe('RenameConversationBodySchema', () => {
  it('should trim the title and refuse a blank, oversized or missing one', () => {
    expect(RenameConversationBodySchema.parse({ title: '  Hiring plan ' })).toEqual({ title: 'Hiring plan' });
    expect(RenameConversationBodySchema.safeParse({ title: ' ' }).success).toBe(false);
    expect(RenameConversationBodySchema.safeParse({}).success).toBe(false);
    const long = 'x'.repeat(CONVERSATION_TITLE_MAX_CHARS + 1);
    expect(RenameConversationBodySchema.safeParse({ title: long }).success).toBe(false);
    expect(RenameConversationBodySchema.safeParse({ title: 'x', extra: 1 }).success).toBe(false);
  });
});

describe('ConversationListQuerySchema', () => {
  it('should treat a blank search as no search and refuse an oversized one', () => {
    expect(ConversationListQuerySchema.parse({ q: '  ' }).q).toBeUndefined();
    expect(ConversationListQuerySchema.parse({ q: ' CFO ' }).q).toBe('CFO');
    expect(ConversationListQuerySchema.parse({}).q).toBeUndefined();
    const long = 'x'.repeat(CONVERSATION_SEARCH_MAX_CHARS + 1);
    expect(ConversationListQuerySchema.safeParse({ q: long }).success).toBe(false);
  });
});

describe('ApproveRemainingBodySchema', () => {
  it('should take a ceiling up to high and never critical, nor unknown keys', () => {
    expect(ApproveRemainingBodySchema.parse({ maxRisk: 'high', notes: 'Routine' })).toEqual({
      maxRisk: 'high',
      notes: 'Routine',
    });
    expect(ApproveRemainingBodySchema.safeParse({ maxRisk: 'critical' }).success).toBe(false);
    expect(ApproveRemainingBodySchema.safeParse({}).success).toBe(false);
    expect(ApproveRemainingBodySchema.safeParse({ maxRisk: 'low', projectId: 'x' }).success).toBe(false);
  });
});
