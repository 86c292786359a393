// The Markdown itself is rendered in ApprovalInputs.spec.ts (jsdom, which DOMPurify supports).
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { agent, approval, uuid } from '../testing/factories';
import { diffPanesDrawn } from '../testing/diffPanes';
import { json } from '../testing/fetchMock';
import { signInAs } from '../testing/identity';
import {
  at,
  bulkDialog,
  confirmBulkWith,
  confirmWith,
  decided,
  detailOf,
  mountApprovalsAt as mountAt,
  posts,
  row,
  rows,
  serveApprovals as serve,
} from '../testing/approvalsView';
import { enableAutoUnmount } from '@vue/test-utils';

beforeEach(() => {
  setActivePinia(createPinia());
  signInAs('admin');
});
afterEach(() => {
  document.body.innerHTML = '';
});
enableAutoUnmount(afterEach);

describe('ApprovalsView: deciding with what it builds on', () => {
  const budget = approval({
    stepName: 'Launch budget approval',
    stepKey: 'launch_budget',
    riskLevel: 'critical',
    action: 'human_approval',
    agentName: null,
    requestedAt: at(30),
    preview: { summary: 'Approve “Launch budget approval” so the project can continue.', details: {} },
  });
  const roi = approval({
    stepName: 'Launch budget',
    stepKey: 'launch_budget_roi',
    riskLevel: 'medium',
    action: 'run_step',
    agentName: 'roi_calculator',
    requestedAt: at(25),
    preview: { summary: 'roi_calculator will run “Launch budget”.', details: { agent: null } },
  });
  const contextChange = approval({
    kind: 'agent_improvement',
    projectId: null,
    projectTitle: null,
    stepKey: '',
    stepName: 'Improve Blog Post Writer',
    agentName: 'blog_post_writer',
    action: 'improve_agent',
    riskLevel: 'medium',
    requestedAt: at(20),
    preview: {
      summary: "Apply a change to Blog Post Writer's Context.md (version 3 → 4).",
      details: {
        improvementId: uuid(),
        diff: '--- a/Context.md\n+++ b/Context.md\n@@ -1 +1 @@\n-Old rule\n+Keep posts under 800 words',
        reason: 'Readers asked for shorter posts',
      },
    },
  });
  const agents = [
    agent({ name: 'roi_calculator', title: 'ROI Calculator', department: 'finance' }),
    agent({ name: 'blog_post_writer', title: 'Blog Post Writer', department: 'marketing' }),
  ];

  it('should show the results the step builds on, cut with a link to the whole', async () => {
    serve(
      {
        'GET /api/agents': json({ agents }),
        [`GET /api/approvals/${budget.id}`]: json(
          detailOf(budget, {
            inputs: [
              {
                stepKey: 'budget_plan',
                stepName: 'Draft the launch budget',
                agentName: 'roi_calculator',
                status: 'completed',
                content: '## Budget\n\n| Item | EUR |\n|---|---|\n| Ads | 40,000 |\n\n<script>alert(1)</script>',
                contentType: 'text/markdown',
                truncated: true,
                sizeBytes: 250_000,
              },
            ],
          }),
        ),
      },
      [budget],
    );
    const { wrapper } = await mountAt(`/approvals?approval=${budget.id}`);
    const preview = wrapper.get('[data-testid="approval-preview"]');
    expect(preview.get('[data-testid="approval-summary"]').text()).toBe(
      '“Launch budget approval” is a checkpoint in the plan: when you approve it, the project continues with the steps after it.',
    );
    const input = preview.get('[data-testid="approval-input"]');
    expect(input.text()).toContain('Draft the launch budget');
    expect(input.text()).toContain('by ROI Calculator');
    expect(input.get('[data-testid="approval-input-body"]').text()).toContain('40,000');
    expect(input.get('[data-testid="approval-input-full"]').attributes('href')).toContain(
      `/api/projects/${budget.projectId}/steps/budget_plan/result`,
    );
    expect(input.text()).toContain('the whole result is 244 kB');
    expect(preview.text()).not.toMatch(/null|human_approval|run_step|Agent —/);
  });

  it('should say in plain words what a rejection means, with the agent’s title', async () => {
    serve({ 'GET /api/agents': json({ agents }), [`GET /api/approvals/${roi.id}`]: json(detailOf(roi)) }, [roi]);
    const { wrapper } = await mountAt();
    expect(row(wrapper, roi.id).text()).toContain('Run a step');
    expect(row(wrapper, roi.id).text()).not.toContain('run_step');
    await row(wrapper, roi.id).get('[data-testid="approval-reject"]').trigger('click');
    await flushPromises();
    const dialog = document.body.querySelector('[data-testid="confirm-dialog"]')!;
    expect(dialog.textContent).toContain(
      'If rejected: ROI Calculator will not run “Launch budget”. The project pauses at this step',
    );
    expect(dialog.textContent).not.toContain('roi_calculator');
  });

  it('should group a bulk decision by kind and apply an agent change only once it is ticked under its diff', async () => {
    const { requests } = serve(
      {
        'GET /api/agents': json({ agents }),
        [`POST /api/approvals/${roi.id}/decision`]: json(decided(roi)),
      },
      [roi, contextChange],
    );
    const { wrapper } = await mountAt();
    await wrapper.get('[data-testid="approvals-select-all"]').setValue(true);
    await wrapper.get('[data-testid="approvals-bulk-approve"]').trigger('click');
    await flushPromises();

    const dialog = bulkDialog()!;
    const steps = dialog.querySelector('[data-testid="bulk-group-steps"]')!;
    expect(steps.textContent).toContain('Project steps (1)');
    expect(steps.textContent).toContain('ROI Calculator will run “Launch budget” for “Launch the new product”.');
    const agentsGroup = dialog.querySelector('[data-testid="bulk-group-agents"]')!;
    await diffPanesDrawn();
    // The diff's two panes: the rule before and after the change.
    const diff = agentsGroup.querySelector('[data-testid="agent-diff"]')?.textContent;
    expect(diff).toContain('Old rule');
    expect(diff).toContain('Keep posts under 800 words');
    expect(dialog.querySelector('[data-testid="bulk-confirm"]')?.textContent).toContain('Approve 1 project step');

    await confirmBulkWith('');
    // Only the step was decided (one decision goes through the single route).
    expect(posts(requests).map((r) => [r.url, r.body])).toEqual([
      [`/api/approvals/${roi.id}/decision`, { decision: 'approve' }],
    ]);

    expect(rows(wrapper).map((r) => r.attributes('data-approval-id'))).toEqual([contextChange.id]);
  });

  it('should include an agent change in a bulk decision once it is ticked under its diff', async () => {
    const other = approval({
      stepName: 'Book the ads',
      agentName: 'roi_calculator',
      action: 'run_step',
      requestedAt: at(22),
    });
    const { requests } = serve(
      {
        'GET /api/agents': json({ agents }),
        'POST /api/approvals/bulk-decision': json({
          results: [other, contextChange].map((a) => ({ id: a.id, ok: true, approval: decided(a) })),
        }),
      },
      [other, contextChange],
    );
    const { wrapper } = await mountAt();
    await wrapper.get('[data-testid="approvals-select-all"]').setValue(true);
    await wrapper.get('[data-testid="approvals-bulk-approve"]').trigger('click');
    await flushPromises();
    bulkDialog()!.querySelector<HTMLInputElement>('[data-testid="bulk-include"]')!.click();
    await flushPromises();
    expect(bulkDialog()!.querySelector('[data-testid="bulk-confirm"]')?.textContent).toContain(
      'Approve 1 project step and 1 agent change',
    );
    await confirmBulkWith('');
    expect(posts(requests).map((r) => r.body)).toEqual([{ ids: [other.id, contextChange.id], decision: 'approve' }]);
  });

  it('should approve the remaining steps of the project at a chosen risk and show what comes next', async () => {
    const upcoming = [
      {
        stepKey: 'ads',
        stepName: 'Book the ads',
        agentName: 'roi_calculator',
        riskLevel: 'high' as const,
        individual: false,
        covered: false,
      },
      {
        stepKey: 'pay',
        stepName: 'Pay the agency',
        agentName: null,
        riskLevel: 'critical' as const,
        individual: true,
        covered: false,
      },
    ];
    const { requests } = serve(
      {
        'GET /api/agents': json({ agents }),
        [`GET /api/approvals/${roi.id}`]: json(detailOf(roi, { upcoming })),
        [`POST /api/projects/${roi.projectId}/approvals/approve-remaining`]: json({
          standing: { projectId: roi.projectId, maxRisk: 'high', grantedBy: 'Ada Admin', grantedAt: at(40) },
          approved: [decided(roi)],
          upcoming: [{ ...upcoming[0], covered: true }, upcoming[1]],
        }),
      },
      [roi],
    );
    const { wrapper } = await mountAt(`/approvals?approval=${roi.id}`);
    const next = wrapper.findAll('[data-testid="approval-upcoming-step"]');
    expect(next.map((n) => n.text())).toEqual([
      expect.stringContaining('Book the ads · ROI Calculator'),
      expect.stringContaining('Pay the agency'),
    ]);
    expect(next[1]!.text()).toContain('needs its own decision');

    await wrapper.get('[data-testid="approve-remaining-risk"]').setValue('high');
    await wrapper.get('[data-testid="approve-remaining"]').trigger('click');
    await flushPromises();
    const dialog = document.body.querySelector('[data-testid="confirm-dialog"]')!;
    expect(dialog.textContent).toContain('1 step waiting now will be approved at once.');
    expect(dialog.textContent).toContain(
      'Critical steps and the approval checkpoints of the plan still come to you one by one.',
    );
    await confirmWith('Routine');

    expect(posts(requests).map((r) => [r.url, r.body])).toEqual([
      [`/api/projects/${roi.projectId}/approvals/approve-remaining`, { maxRisk: 'high', notes: 'Routine' }],
    ]);
    expect(wrapper.get('[data-testid="approve-remaining-notice"]').text()).toContain('1 step approved now');
    expect(wrapper.get('[data-testid="approval-standing"]').text()).toContain(
      'Ada Admin approved the remaining steps at high risk or below',
    );
    expect(wrapper.get('[data-testid="approval-upcoming-step"]').attributes('data-covered')).toBe('true');
    expect(wrapper.get('[data-testid="approval-decided"]').text()).toContain('Approved by Ada');
  });
});
