import { describe, expect, it } from 'vitest';
import { agent, conversation, projectSummary } from '../../testing/factories';
import { sessionInfo } from '../../testing/identity';
import {
  actionItems,
  agentItem,
  conversationItem,
  matchScore,
  projectItem,
  rankItems,
  viewItems,
  type PaletteItem,
} from './paletteItems';

const labels = (items: PaletteItem[]) => items.map((i) => i.label);

describe('matchScore', () => {
  it('should rank the whole text over a prefix over a word start over anywhere over letters in order', () => {
    const scores = [
      matchScore('writer', 'writer'),
      matchScore('writer', 'writer of blogs'),
      matchScore('writer', 'blog writer'),
      matchScore('writer', 'ghostwriter'),
      matchScore('bpw', 'blog post writer'),
    ];
    expect(scores.every((s) => s !== null)).toBe(true);
    const numbers = scores as number[];
    for (let i = 1; i < numbers.length; i++) expect(numbers[i - 1]).toBeGreaterThan(numbers[i]!);
  });

  it('should ignore case and accents, and need every word of the query', () => {
    expect(matchScore('ZURICH', 'Zürich office')).not.toBeNull();
    expect(matchScore('blog writer', 'Blog Post Writer')).not.toBeNull();
    expect(matchScore('blog reader', 'Blog Post Writer')).toBeNull();
    expect(matchScore('xyz', 'Blog Post Writer')).toBeNull();
  });
});

describe('rankItems', () => {
  const items = [
    ...actionItems(sessionInfo()),
    ...viewItems(sessionInfo()),
    agentItem(agent({ name: 'blog_post_writer', title: 'Blog Post Writer', department: 'marketing' })),
    agentItem(agent({ name: 'roi_calculator', title: 'ROI Calculator', department: 'finance' })),
    projectItem(projectSummary({ title: 'Hire a data engineer', status: 'paused_for_approval' })),
    conversationItem(conversation({ title: 'Budget for the blog' })),
  ];

  it('should list actions and pages first when nothing is typed', () => {
    const ranked = rankItems(items, '  ');
    expect(ranked[0]!.kind).toBe('action');
    expect(ranked.findIndex((i) => i.kind === 'agent')).toBeGreaterThan(ranked.findLastIndex((i) => i.kind === 'view'));
  });

  it('should put the best label match first, and match loosely typed letters', () => {
    expect(labels(rankItems(items, 'blog post')).at(0)).toBe('Blog Post Writer');
    expect(labels(rankItems(items, 'roi')).at(0)).toBe('ROI Calculator');
    expect(labels(rankItems(items, 'bpw'))).toEqual(['Blog Post Writer']);
    expect(labels(rankItems(items, 'budget')).slice(0, 3)).toEqual(
      expect.arrayContaining(['Budgets', 'Create budget', 'Budget for the blog']),
    );
  });

  it('should match the detail too (department, status, the agent name)', () => {
    expect(labels(rankItems(items, 'finance'))).toEqual(['ROI Calculator']);
    expect(labels(rankItems(items, 'roi_calculator'))).toEqual(['ROI Calculator']);
    expect(labels(rankItems(items, 'paused'))).toEqual(['Hire a data engineer']);
  });

  it('should find nothing for text nothing contains', () => {
    expect(rankItems(items, 'qqqq')).toEqual([]);
  });
});

describe('items', () => {
  it('should lead to the agent, project or conversation itself', () => {
    expect(agentItem(agent({ name: 'roi_calculator' })).to).toEqual({
      name: 'workforce',
      params: { agentName: 'roi_calculator' },
    });
    const project = projectSummary();
    expect(projectItem(project).to).toEqual({ name: 'projects', params: { projectId: project.id } });
    const chat = conversation();
    expect(conversationItem(chat).to).toEqual({ name: 'workspace', params: { conversationId: chat.id } });
  });

  it('should offer no members page nor invitations in local mode', () => {
    const local = sessionInfo('admin', { mode: 'local' });
    expect(labels(viewItems(local))).not.toContain('Members');
    expect(labels(actionItems(local))).not.toContain('Invite member');
    expect(labels(viewItems(sessionInfo()))).toContain('Members');
    expect(labels(actionItems(sessionInfo()))).toContain('Invite member');
  });
});
