import { describe, expect, it } from 'vitest';
import { parseInstruction, splitInstructions } from './parse.js';

describe('splitInstructions', () => {
  it('should split on "and" only where a new instruction starts', () => {
    expect(splitInstructions('make the budget 2 weeks and assign the review to Sarah')).toEqual([
      'make the budget 2 weeks',
      'assign the review to Sarah',
    ]);
    expect(splitInstructions('assign the research and drafting step to Sarah')).toEqual([
      'assign the research and drafting step to Sarah',
    ]);
    expect(splitInstructions('shorten QA to 2 days and Mike from Finance should approve the budget')).toEqual([
      'shorten QA to 2 days',
      'Mike from Finance should approve the budget',
    ]);
  });

  it('should split sentences, semicolons, lists and "then"', () => {
    expect(
      splitInstructions('Change QA to 4 days. Then drop the press release; rename pricing to Pricing model'),
    ).toEqual(['Change QA to 4 days', 'drop the press release', 'rename pricing to Pricing model']);
    expect(
      splitInstructions('change QA to 4 days, drop the press release, and assign the campaign approval to Lisa'),
    ).toEqual(['change QA to 4 days', 'drop the press release', 'assign the campaign approval to Lisa']);
  });

  it('should strip politeness around an instruction', () => {
    expect(splitInstructions('Could you please drop the social media step, thanks!')).toEqual([
      'drop the social media step',
    ]);
  });
});

describe('parseInstruction', () => {
  it.each([
    [
      'make the budget step 2 weeks',
      { kind: 'duration', target: 'budget', mode: 'set', duration: { value: 2, unit: 'weeks' } },
    ],
    [
      'budget review should take 3 days',
      { kind: 'duration', target: 'budget review', mode: 'set', duration: { value: 3, unit: 'days' } },
    ],
    ['shorten QA to 2 days', { kind: 'duration', target: 'QA', mode: 'set', duration: { value: 2, unit: 'days' } }],
    [
      'shorten QA by 2 days',
      { kind: 'duration', target: 'QA', mode: 'subtract', duration: { value: 2, unit: 'days' } },
    ],
    ['give QA an extra week', { kind: 'duration', target: 'QA', mode: 'add', duration: { value: 1, unit: 'weeks' } }],
    [
      'remove 2 days from positioning',
      { kind: 'duration', target: 'positioning', mode: 'subtract', duration: { value: 2, unit: 'days' } },
    ],
  ])('should read %j as a duration change', (text, op) => {
    expect(parseInstruction(text)).toEqual(op);
  });

  it.each([
    ['assign the review to Sarah', { target: 'the review', assignee: 'Sarah', collaboration: null }],
    [
      'Mike from Finance should approve the budget',
      { target: 'the budget', assignee: 'Mike from Finance', collaboration: 'approval' },
    ],
    [
      'have Sarah review the press release',
      { target: 'the press release', assignee: 'Sarah', collaboration: 'review' },
    ],
    [
      'the offer approval should be signed off by Anna',
      { target: 'the offer approval', assignee: 'Anna', collaboration: 'approval' },
    ],
    [
      'make Tom the owner of the pricing step',
      { target: 'the pricing step', assignee: 'Tom', collaboration: 'guidance' },
    ],
    [
      'give the blog post to the content strategist',
      { target: 'the blog post', assignee: 'the content strategist', collaboration: null },
    ],
  ])('should read %j as an assignment', (text, op) => {
    expect(parseInstruction(text)).toEqual({ kind: 'assign', ...op });
  });

  it.each([
    'drop the social media step',
    "we don't need the press release",
    'no need for the press release',
    'the press release is not needed',
    'get rid of the press release',
  ])('should read %j as dropping a step', (text) => {
    expect(parseInstruction(text)).toMatchObject({ kind: 'drop' });
  });

  it('should read additions with their position and duration', () => {
    expect(parseInstruction('add a legal review before launch')).toEqual({
      kind: 'add',
      name: 'legal review',
      relation: 'before',
      anchor: 'launch',
      duration: null,
    });
    expect(parseInstruction('we also need a 2-day security audit after the deploy')).toEqual({
      kind: 'add',
      name: 'security audit',
      relation: 'after',
      anchor: 'the deploy',
      duration: { value: 2, unit: 'days' },
    });
    expect(parseInstruction('add a step for customer training')).toMatchObject({
      kind: 'add',
      name: 'customer training',
      relation: null,
    });
  });

  it('should read risk changes and renames', () => {
    expect(parseInstruction('mark the pricing step as high risk')).toEqual({
      kind: 'risk',
      target: 'the pricing step',
      risk: 'high',
    });
    expect(parseInstruction('set the risk of launch day to critical')).toEqual({
      kind: 'risk',
      target: 'launch day',
      risk: 'critical',
    });
    expect(parseInstruction('the launch is critical')).toEqual({
      kind: 'risk',
      target: 'the launch',
      risk: 'critical',
    });
    expect(parseInstruction('rename the press release to "Media kit"')).toEqual({
      kind: 'rename',
      target: 'the press release',
      name: 'Media kit',
    });
  });

  it('should leave what it cannot read as unknown', () => {
    expect(parseInstruction('make it pop')).toEqual({ kind: 'unknown', clause: 'make it pop' });
  });
});
