import type { LlmSettings } from '@orchestrator/core';
import type { Env } from './env.js';

/** LLM_PROVIDER=auto picks the first provider whose key is present, else the offline model. */
export function llmSettingsFromEnv(env: Env): LlmSettings {
  const common = { model: env.LLM_MODEL, temperature: env.LLM_TEMPERATURE, timeoutMs: env.LLM_TIMEOUT_MS };
  let provider = env.LLM_PROVIDER;
  if (provider === 'auto') {
    provider =
      env.OPENAI_API_KEY || env.LLM_BASE_URL
        ? 'openai'
        : env.ANTHROPIC_API_KEY
          ? 'anthropic'
          : env.OLLAMA_BASE_URL
            ? 'ollama'
            : 'offline';
  }
  switch (provider) {
    case 'offline':
      return { provider: 'offline' };
    case 'openai':
      return { provider, ...common, apiKey: env.OPENAI_API_KEY, baseUrl: env.LLM_BASE_URL };
    case 'anthropic':
      return { provider, ...common, apiKey: env.ANTHROPIC_API_KEY };
    case 'ollama':
      return { provider, ...common, baseUrl: env.OLLAMA_BASE_URL ?? env.LLM_BASE_URL };
  }
}
