import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';

export type LlmProviderName = 'offline' | 'openai' | 'anthropic' | 'ollama';

export interface LlmSettings {
  provider: LlmProviderName;
  /** Model name; each provider has a default. */
  model?: string;
  apiKey?: string;
  /** OpenAI-compatible servers (vLLM, LM Studio, llama.cpp) or a non-default Ollama host. */
  baseUrl?: string;
  temperature?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface LlmInfo {
  provider: LlmProviderName | 'scripted';
  model: string;
  /** True for the built-in offline model: replies are computed, not generated, and marked as such. */
  offline: boolean;
}

/** What the graphs are given: a LangChain chat model, or none when running offline. */
export interface LlmProvider {
  info: LlmInfo;
  chatModel?: BaseChatModel;
}

const DEFAULT_MODELS: Record<Exclude<LlmProviderName, 'offline'>, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-4-5',
  ollama: 'llama3.1',
};

export const OFFLINE_PROVIDER: LlmProvider = { info: { provider: 'offline', model: 'offline-v1', offline: true } };

/** The one provider factory: settings come from environment variables (README, Configuration) via the API config. */
export function createLlmProvider(settings: LlmSettings): LlmProvider {
  if (settings.provider === 'offline') return OFFLINE_PROVIDER;
  const model = settings.model ?? DEFAULT_MODELS[settings.provider];
  const common = { temperature: settings.temperature ?? 0.2, maxRetries: settings.maxRetries ?? 2 };
  let chatModel: BaseChatModel;
  switch (settings.provider) {
    case 'openai':
      chatModel = new ChatOpenAI({
        model,
        ...common,
        timeout: settings.timeoutMs,
        // Local OpenAI-compatible servers accept any key; the SDK insists on one being set.
        apiKey: settings.apiKey ?? (settings.baseUrl ? 'not-needed' : undefined),
        configuration: settings.baseUrl ? { baseURL: settings.baseUrl } : undefined,
        streamUsage: true,
      });
      break;
    case 'anthropic':
      chatModel = new ChatAnthropic({
        model,
        ...common,
        apiKey: settings.apiKey,
        clientOptions: settings.timeoutMs ? { timeout: settings.timeoutMs } : undefined,
      });
      break;
    case 'ollama':
      chatModel = new ChatOllama({ model, temperature: common.temperature, baseUrl: settings.baseUrl });
      break;
  }
  return { info: { provider: settings.provider, model, offline: false }, chatModel };
}
