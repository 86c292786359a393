import type { AgentBuild } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_PROVIDER } from '../../llm/provider.js';
import { loadShippedWorkforce, type Workforce } from '../../testing/facade-harness.js';
import { draftAgent } from './draft.js';
import { specifyAgent } from './identity.js';
import { buildProgressMessage } from './messages.js';
import type { AgentSpec, DraftResult } from './types.js';
import { validateDraft } from './validate.js';

let workforce: Workforce;
let spec: AgentSpec;
let drafted: DraftResult;
let offlineBuild: AgentBuild;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
  spec = specifyAgent(
    { request: 'We need an agent that reviews vendor contracts for legal risk' },
    workforce.registry,
    workforce.index,
  );
  const noUsage = { record: async () => undefined };
  drafted = await draftAgent({ llm: OFFLINE_PROVIDER, usage: noUsage }, spec, { workspaceId: 'w' });
  const validation = await validateDraft(
    { registry: () => workforce.registry, llm: OFFLINE_PROVIDER, usage: noUsage },
    spec,
    drafted.draft,
    { workspaceId: 'w' },
  );
  offlineBuild = {
    id: '00000000-0000-4000-8000-000000000001',
    status: 'validating',
    request: spec.request,
    template: spec.template,
    capability: null,
    draft: drafted.draft,
    validation,
    approvalId: '00000000-0000-4000-8000-000000000002',
    conversationId: null,
    projectId: null,
    stepKey: null,
    error: null,
    createdBy: 'u',
    createdAt: '2026-12-07T00:00:00.000Z',
    updatedAt: '2026-12-07T00:00:00.000Z',
  };
});

const mentionsOfOffline = (text: string) => text.match(/offline|no language model/gi)?.length ?? 0;

describe('buildProgressMessage', () => {
  it('should say once that a draft is offline, as the notice it opens with, when no language model is configured', () => {
    expect(drafted.source).toBe('template');
    const said = buildProgressMessage({
      build: { ...offlineBuild, validation: null },
      spec,
      draftSource: drafted.source,
      notes: drafted.notes,
      offline: true,
    });
    expect(said?.offlineDraft).toBe(true);
    const [notice, ...rest] = said!.text.split(/\n\s*\n/);
    expect(notice).toMatch(/^\*\*Offline draft\*\* — no language model is configured/);
    expect(notice).toContain('Legal Contract Reviewer');
    const body = rest.join('\n\n');
    expect(body).toContain('Validating it on sample tasks now');
    // Not again in the text, nor as a bullet.
    expect(body).not.toMatch(/^- /m);
    expect(mentionsOfOffline(body)).toBe(0);
  });

  it('should take the offline sentence out of the validation summary when the notice says it', () => {
    expect(offlineBuild.validation?.summary).toMatch(/offline drafts/);
    const said = buildProgressMessage({
      build: { ...offlineBuild, status: 'awaiting_approval' },
      spec,
      draftSource: 'template',
      notes: [],
      offline: true,
    });
    expect(said?.offlineDraft).toBe(true);
    const [notice, ...rest] = said!.text.split(/\n\s*\n/);
    expect(notice).toMatch(/^\*\*Offline draft\*\*.*sample answers are offline drafts/);
    const body = rest.join('\n\n');
    expect(body).toMatch(/^Validation passed for \*\*Legal Contract Reviewer\*\* .*file checks passed.*sample task/);
    expect(body).toContain('Approval requested');
    expect(mentionsOfOffline(body)).toBe(0);
  });

  it('should not call a draft offline when a language model wrote it', () => {
    const said = buildProgressMessage({
      build: { ...offlineBuild, validation: null },
      spec,
      draftSource: 'llm',
      notes: [],
      offline: false,
    });
    expect(said).toEqual({ offlineDraft: false, text: expect.stringContaining('with the language model') });
    expect(mentionsOfOffline(said!.text)).toBe(0);
  });

  it('should leave messages that carry no draft without the notice (their badge says offline)', () => {
    const said = buildProgressMessage({
      build: { ...offlineBuild, status: 'deployed' },
      spec,
      draftSource: 'template',
      notes: [],
      offline: true,
    });
    expect(said?.offlineDraft).toBe(false);
    expect(said?.text).toMatch(/is deployed/);
  });
});
