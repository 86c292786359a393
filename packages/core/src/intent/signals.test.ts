import { describe, expect, it } from 'vitest';
import { textCues } from './cues.js';
import { parseIntentJsonl } from './dataset.js';
import { offeredOptions, pickOption } from './history.js';
import { computeMetrics, percentile } from './metrics.js';
import { SpellingCorrector } from './spelling.js';

describe('history helpers', () => {
  it('should split the options of a clarifying question', () => {
    expect(offeredOptions('Happy to — do you mean the invoice backlog, the budget, or the payroll run?')).toEqual([
      'the invoice backlog',
      'the budget',
      'the payroll run',
    ]);
    expect(offeredOptions('Done, the report is ready.')).toEqual([]);
  });

  it('should pick the option a short answer refers to, matching word stems', () => {
    const options = ['the unexpected bill spike', 'the TLS certificate expiry alert'];
    expect(pickOption(options, 'the cert, it expires soon')).toBe('the TLS certificate expiry alert');
    expect(pickOption(options, 'yes please')).toBeNull();
  });
});

describe('textCues', () => {
  it('should name the phrasing cues that fire', () => {
    expect(textCues('The blog writer keeps adding buzzwords. Stop that going forward.')).toEqual(
      expect.arrayContaining(['feedback_habit', 'feedback_change']),
    );
    expect(textCues('Set up a permanent agent for contract review')).toEqual(
      expect.arrayContaining(['create_verb', 'permanent', 'agent_word']),
    );
    expect(textCues('hello there')).toContain('greeting');
    expect(textCues('help')).toContain('help_question');
  });
});

describe('parseIntentJsonl', () => {
  it('should report bad lines by number and keep the good ones', () => {
    const text = [
      JSON.stringify({ id: 'a', text: 'hi', intent: 'DIRECT_RESPONSE' }),
      '',
      '{not json',
      JSON.stringify({ text: 'x', intent: 'DANCE' }),
      JSON.stringify({ text: 'do it', intent: 'CLARIFY', history: [{ role: 'user', content: 'q' }] }),
    ].join('\n');
    const { examples, errors } = parseIntentJsonl(text);
    expect(examples.map((e) => e.text)).toEqual(['hi', 'do it']);
    expect(errors.map((e) => e.line)).toEqual([3, 4]);
    expect(errors[0]!.message).toMatch(/invalid JSON/);
    expect(errors[1]!.message).toMatch(/^intent: /);
  });
});

describe('computeMetrics', () => {
  const result = (intent: 'DELEGATE' | 'CLARIFY', agent: string | null = null) => ({
    intent,
    confidence: 1,
    department: agent ? 'engineering' : null,
    agent,
    capabilityGap: false,
    scope: null,
    horizon: null,
    clarifyingQuestion: null,
    source: 'offline' as const,
  });

  it('should compute accuracy, per-intent precision/recall and label-only department/agent accuracy', () => {
    const examples = [
      { text: 'a', intent: 'DELEGATE' as const, department: 'engineering', agent: 'qa_tester' },
      { text: 'b', intent: 'DELEGATE' as const, department: 'engineering', agent: 'code_reviewer' },
      { text: 'c', intent: 'CLARIFY' as const },
    ];
    const m = computeMetrics(examples, [result('DELEGATE', 'qa_tester'), result('CLARIFY'), result('CLARIFY')]);
    expect(m.accuracy).toBeCloseTo(2 / 3);
    expect(m.perIntent.DELEGATE).toMatchObject({ precision: 1, recall: 0.5, support: 2 });
    expect(m.perIntent.CLARIFY).toMatchObject({ precision: 0.5, recall: 1 });
    expect(m.confusion.DELEGATE.CLARIFY).toBe(1);
    expect(m.departmentAccuracy).toBe(0.5);
    expect(m.agentAccuracy).toBe(0.5);
  });

  it('should take nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('SpellingCorrector', () => {
  const speller = new SpellingCorrector([
    'android build pipeline dashboard regression',
    'android pipeline dashboard regression release',
    'form from',
  ]);

  it('should fix one missing, extra, wrong or swapped letter to a known word', () => {
    expect(speller.correct('smoke test the new Andriod build')).toBe('smoke test the new Android build');
    expect(speller.correct('the pipline is broken')).toBe('the pipeline is broken');
    expect(speller.correct('dashbaord numbers')).toBe('dashboard numbers');
    expect(speller.correct('a regresion pass')).toBe('a regression pass');
  });

  it('should leave known, short and unknown-but-unmatched words alone', () => {
    expect(speller.correct('Zenlytic form PR 12')).toBe('Zenlytic form PR 12');
    expect(speller.correctWord('release')).toBeUndefined();
  });
});
