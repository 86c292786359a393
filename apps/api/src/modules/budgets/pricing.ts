import type { Env } from '../../config/env.js';

export type PriceTable = Env['LLM_PRICES'];

/**
 * Cost of one LLM call from the operator's price table (USD per million tokens), looked up as
 * `provider:model` first, then `model`. A model without a price costs 0 (the offline model, a
 * local server): cost budgets then only bite on priced models, which docs/operations.md says.
 */
export function llmCostUsd(
  prices: PriceTable,
  provider: string,
  model: string,
  promptTokens: number,
  completionTokens: number,
): number {
  const price = prices[`${provider}:${model}`] ?? prices[model];
  if (!price) return 0;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
