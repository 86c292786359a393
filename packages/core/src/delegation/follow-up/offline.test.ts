import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inputFields } from '../../functions/fields.js';
import { followUpQuestion, mergeFollowUp, readFollowUpOffline } from './index.js';

/** Not the ROI Calculator: the reader knows only what a schema's names and descriptions say. */
const fields = inputFields(
  z
    .object({
      headcount: z.number().int().min(1).describe('People on the team.'),
      annualSalary: z.number().positive().describe('Gross salary per person.'),
      raisePct: z.number().min(0).max(50).optional().describe('Yearly raise.'),
      contractWeeks: z.number().int().min(1).describe('Length of the contract.'),
      region: z.enum(['emea', 'americas', 'apac']).optional(),
      offices: z.array(z.string()).optional(),
    })
    .strict(),
);
const previous = { headcount: 8, annualSalary: 50_000, contractWeeks: 52 };
const read = (text: string, expected?: string[]) =>
  readFollowUpOffline({ fields, previous, text, ...(expected ? { expected } : {}) });

describe('inputFields', () => {
  it('should list the scalar fields with their type, description and enum values, and skip the others', () => {
    expect(fields.map((f) => [f.name, f.type, f.required])).toEqual([
      ['headcount', 'integer', true],
      ['annualSalary', 'number', true],
      ['raisePct', 'number', false],
      ['contractWeeks', 'integer', true],
      ['region', 'enum', false],
    ]);
    expect(fields.find((f) => f.name === 'region')?.values).toEqual(['emea', 'americas', 'apac']);
    expect(fields[0]?.description).toBe('People on the team.');
  });
});

describe('readFollowUpOffline', () => {
  it('should convert an amount to the unit the field name gives when the message names another', () => {
    expect(read('what if the salary were 5k a month?')).toEqual({ values: { annualSalary: 60_000 }, unclear: [] });
  });

  it('should take the period written apart from the amount', () => {
    expect(read('salary per month: 5,000').values).toEqual({ annualSalary: 60_000 });
  });

  it('should convert a length of time to the unit of the field', () => {
    expect(read('make the contract 6 months').values).toEqual({ contractWeeks: 26 });
  });

  it('should take a percentage for the only field in %, without its name', () => {
    expect(read('and assume 3 %').values).toEqual({ raisePct: 3 });
  });

  it('should find the field through a word of its description', () => {
    expect(read('redo it with 12 people').values).toEqual({ headcount: 12 });
  });

  it('should apply a relative change to the previous value', () => {
    expect(read('increase the salary by 10%').values).toEqual({ annualSalary: 55_000 });
    expect(read('reduce the headcount by 2').values).toEqual({ headcount: 6 });
  });

  it('should read several changes in one message', () => {
    expect(read('Redo it with a headcount of 10 and a salary of 60,000').values).toEqual({
      headcount: 10,
      annualSalary: 60_000,
    });
  });

  it('should name a field it could not get a value for as unclear', () => {
    expect(read('Redo it with a different headcount')).toEqual({ values: {}, unclear: ['headcount'] });
    expect(followUpQuestion(fields, ['headcount', 'raisePct'])).toBe(
      'What should the headcount and the raise (%) be? Everything else stays as in the last calculation.',
    );
  });

  it('should take a bare value as the answer to the field it asked for', () => {
    expect(read('20', ['headcount']).values).toEqual({ headcount: 20 });
  });

  it('should read nothing in a message that changes nothing', () => {
    for (const text of ['Who reports to the CFO?', 'Thanks, that looks great', 'what changes in 2027?'])
      expect(read(text)).toEqual({ values: {}, unclear: [] });
  });
});

describe('mergeFollowUp', () => {
  it('should let a quantity given in another unit replace the old one', () => {
    const roi = inputFields(
      z.object({ monthlySavings: z.number().optional(), annualSavings: z.number().optional(), months: z.number() }),
    );
    expect(mergeFollowUp(roi, { monthlySavings: 100, months: 12 }, { annualSavings: 2400 })).toEqual({
      annualSavings: 2400,
      months: 12,
    });
  });
});
