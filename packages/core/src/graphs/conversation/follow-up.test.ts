import { randomUUID } from 'node:crypto';
import type { DelegationInfo } from '@orchestrator/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScriptedChatModel, type ScriptedTurn } from '../../llm/scripted.js';
import { loadShippedWorkforce, orchestratorHarness, type Workforce } from '../../testing/facade-harness.js';

let workforce: Workforce;
beforeAll(async () => {
  workforce = await loadShippedWorkforce();
});

const delegationOf = (meta: Record<string, unknown>) => meta.delegation as DelegationInfo | undefined;

/** 50,000 up front, 3,000 saved a month, 24 months: ROI (72,000 − 50,000) ÷ 50,000 = 44 %. */
const BASE = 'What is the ROI of a 50k tool that saves 3k a month over 2 years?';

async function afterRoiAnswer(script?: ScriptedTurn[]) {
  const model = script && new ScriptedChatModel(script);
  const llm = model && { info: { provider: 'scripted' as const, model: 's', offline: false }, chatModel: model };
  // The offline intent classifier either way: only the follow-up reading uses the model.
  const h = orchestratorHarness(workforce, llm);
  const id = randomUUID();
  const first = await h.send(id, BASE);
  expect(first.reply.content).toContain('ROI 44.0 %');
  return { h, id, model, say: (text: string) => h.send(id, text).then((r) => r.reply) };
}

/*
 * The phrasings below were written before the follow-up extraction existed and were not tuned to
 * it afterwards: the first two are the ones from issue #12, the others are ordinary ways of
 * asking for the same kind of change. If one fails, fix the extraction, not the phrasing.
 */
describe('follow-ups to a function agent (offline model)', () => {
  it.each([
    // From issue #12: a running cost of 500 a month takes ROI from 44 % to 20 %.
    ['Redo it with a running cost of 500 per month', 'ROI 20.0 %'],
    ['…with 500 a month licence cost', 'ROI 20.0 %'],
    // Written for this test, without reading the extraction code.
    ['What if it only saves 2,000 a month?', 'ROI -4.0 %'],
    ['Try it over 3 years instead', 'ROI 116.0 %'],
    ['And with maintenance of 6k per year?', 'ROI 20.0 %'],
    ['Recalculate with an up-front cost of 60k', 'ROI 20.0 %'],
    ['Same thing, but use a 12% discount rate', '12.0 % a year'],
  ])('should merge "%s" into the previous inputs and answer with %s', async (text, expected) => {
    const { say } = await afterRoiAnswer();
    const reply = await say(text);
    expect(delegationOf(reply.metadata)).toMatchObject({ agent: 'roi_calculator', kind: 'function' });
    expect(reply.content).toContain(expected);
  });

  it('should build each follow-up on the inputs of the one before', async () => {
    const { say } = await afterRoiAnswer();
    expect((await say('Redo it with a running cost of 500 per month')).content).toContain('ROI 20.0 %');
    // (3,000 − 500) × 36 − 50,000 = 40,000 → 80 %.
    expect((await say('and over 3 years?')).content).toContain('ROI 80.0 %');
  });

  it('should ask only for the value it could not understand, then finish with the answer', async () => {
    const { say } = await afterRoiAnswer();
    const question = await say('Redo it with a higher running cost');
    expect(delegationOf(question.metadata)).toBeUndefined();
    expect(question.content).toMatch(/running cost/i);
    expect(question.content).not.toMatch(/up-front|how much it saves|how many months/i);
    // (3,000 − 800) × 24 − 50,000 = 2,800 → 5.6 %.
    expect((await say('800 a month')).content).toContain('ROI 5.6 %');
  });

  it('should take a complete new request on its own, without the earlier changes', async () => {
    const { say } = await afterRoiAnswer();
    await say('Redo it with a running cost of 500 per month');
    // 5,000 × 36 − 100,000 = 80,000 → 80 %; with the earlier 500 a month it would be 62 %.
    const fresh = await say('What is the ROI of a 100k machine that saves 5k a month over 3 years?');
    expect(fresh.content).toContain('ROI 80.0 %');
  });

  it('should answer an unrelated question normally after a function answer', async () => {
    const { say } = await afterRoiAnswer();
    const reply = await say('Who reports to the CFO?');
    expect(reply.content).toContain('Finance Manager');
    expect(delegationOf(reply.metadata)).toBeUndefined();
  });
});

describe('follow-ups to a function agent (a configured chat model)', () => {
  const changes = (changes: Array<{ field: string; value: unknown }>, unclear: string[] = []) =>
    JSON.stringify({ changes, unclear });

  it('should run the function again with the changes the model read, and record its usage', async () => {
    const { h, model, say } = await afterRoiAnswer([changes([{ field: 'monthlyRunningCost', value: 500 }])]);
    const reply = await say('…with 500 a month licence cost');
    expect(reply.content).toContain('ROI 20.0 %');
    const prompt = model!.prompts[0]!.map((m) => String(m.content)).join('\n');
    // The model sees the schema's fields and the last input, and converts units itself.
    expect(prompt).toContain('monthlyRunningCost (number, optional): Recurring running cost per month');
    expect(prompt).toContain('"investment":50000');
    expect(h.usage).toEqual([expect.objectContaining({ agentName: 'ceo_orchestrator' })]);
  });

  it('should send a malformed answer back once with the problem', async () => {
    const { model, say } = await afterRoiAnswer([
      changes([{ field: 'licenceCost', value: 500 }]),
      changes([{ field: 'monthlyRunningCost', value: 500 }]),
    ]);
    expect((await say('Redo it with a running cost of 500 per month')).content).toContain('ROI 20.0 %');
    expect(String(model!.prompts[1]!.at(-1)!.content)).toMatch(/"licenceCost" is not an input field/);
  });

  it('should read the follow-up offline when the model fails', async () => {
    const { say } = await afterRoiAnswer([new Error('upstream exploded')]);
    expect((await say('Redo it with a running cost of 500 per month')).content).toContain('ROI 20.0 %');
  });

  it('should ask only for what the model could not determine', async () => {
    const { say } = await afterRoiAnswer([
      changes([], ['monthlyRunningCost']),
      changes([{ field: 'monthlyRunningCost', value: 800 }]),
    ]);
    const question = await say('Redo it with a higher running cost');
    expect(question.content).toBe(
      'What should the monthly running cost be? Everything else stays as in the last calculation.',
    );
    expect((await say('800 a month')).content).toContain('ROI 5.6 %');
  });
});
