import { describe, expect, it } from 'vitest';
import { isFunctionAgentError } from './errors.js';
import { runFunctionAgent } from './run.js';
import type { FunctionAgentModule } from './types.js';

const ctx = { now: new Date('2026-01-15T12:00:00Z') };

function makeAgent(
  overrides: Partial<FunctionAgentModule<{ amount: number }, { twice: number }>> = {},
): FunctionAgentModule<{ amount: number }, { twice: number }> {
  return {
    inputSchema: (z) => z.object({ amount: z.number().positive() }).strict(),
    parseTask: (task) =>
      task.trim() ? { input: { amount: Number(task) } } : { missing: ['amount'], question: 'What amount?' },
    run: (input) => ({ markdown: `${input.amount * 2}`, data: { twice: input.amount * 2 } }),
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isFunctionAgentError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

describe('runFunctionAgent', () => {
  it('should return the result with the validated input when the task parses', async () => {
    expect(await runFunctionAgent(makeAgent(), '4', ctx)).toEqual({
      kind: 'result',
      markdown: '8',
      data: { twice: 8 },
      input: { amount: 4 },
    });
  });

  it('should pass a large result on in its pieces when run returns the markdown as pieces', async () => {
    const pieces = ['| a |\n', '| b |\n'];
    const out = await runFunctionAgent(makeAgent({ run: () => ({ markdown: pieces, data: { twice: 0 } }) }), '1', ctx);
    expect(out.kind === 'result' && out.markdown).toBe(pieces);
  });

  it("should pass on the agent's question when parseTask needs input", async () => {
    expect(await runFunctionAgent(makeAgent(), '  ', ctx)).toEqual({
      kind: 'needs_input',
      question: 'What amount?',
      missing: ['amount'],
    });
  });

  it('should name the field when the parsed input fails the schema, without throwing', async () => {
    const out = await runFunctionAgent(makeAgent(), '-3', ctx);
    expect(out.kind).toBe('needs_input');
    if (out.kind !== 'needs_input') return;
    expect(out.missing).toEqual(['amount']);
    expect(out.question).toMatch(/- amount: .*0/);
  });

  it('should reject unknown input keys through the strict schema', async () => {
    const out = await runFunctionAgent(
      makeAgent({ parseTask: () => ({ input: { amount: 1, extra: true } }) }),
      'x',
      ctx,
    );
    expect(out.kind === 'needs_input' && out.question).toMatch(/extra/);
  });

  it('should throw typed errors for bugs in the module', async () => {
    const boom = () => {
      throw new Error('bug');
    };
    expect(await codeOf(runFunctionAgent(makeAgent({ parseTask: boom }), '1', ctx))).toBe(
      'function_agent/parse_task_failed',
    );
    expect(await codeOf(runFunctionAgent(makeAgent({ run: boom }), '1', ctx))).toBe('function_agent/run_failed');
    expect(
      await codeOf(runFunctionAgent(makeAgent({ run: () => ({ markdown: 5, data: null }) as never }), '1', ctx)),
    ).toBe('function_agent/invalid_result');
    expect(
      await codeOf(runFunctionAgent(makeAgent({ run: () => ({ markdown: ['a', 5], data: null }) as never }), '1', ctx)),
    ).toBe('function_agent/invalid_result');
    expect(await codeOf(runFunctionAgent(makeAgent({ inputSchema: () => 'x' as never }), '1', ctx))).toBe(
      'function_agent/invalid_export',
    );
  });

  it('should hand the shared csv and numbers helpers to parseTask and run', async () => {
    const agent = makeAgent({
      parseTask: (task, c) => ({ input: { amount: c.helpers.numbers.parseAmount(task) } }),
      run: (input, c) => {
        const parsed = c.helpers.csv.parse('a;b\n1;2');
        return {
          markdown: 'rows' in parsed ? parsed.rows[1]!.cells.join('+') : parsed.error,
          data: { twice: input.amount * 2 },
        };
      },
    });
    expect(await runFunctionAgent(agent, '$1,250.50', ctx)).toEqual({
      kind: 'result',
      markdown: '1+2',
      data: { twice: 2501 },
      input: { amount: 1250.5 },
    });
  });

  it('should time out a run that never finishes and abort its signal', async () => {
    let signal: AbortSignal | undefined;
    const slow = makeAgent({
      run: (_input, runCtx) => {
        signal = runCtx.signal;
        return new Promise(() => undefined);
      },
    });
    expect(await codeOf(runFunctionAgent(slow, '1', ctx, { timeoutMs: 20 }))).toBe('function_agent/timeout');
    expect(signal?.aborted).toBe(true);
  });
});
