import { randomUUID } from 'node:crypto';
import { MemorySaver, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { MessageDelta, ReplyFailed } from '@orchestrator/contracts';
import { createOfflineIntentClassifier, type IntentClassifier } from '../intent/index.js';
import { OFFLINE_PROVIDER, type LlmProvider } from '../llm/provider.js';
import type { LlmUsage } from '../llm/usage.js';
import type { AgentLoadTracker } from '../delegation/ports.js';
import { OrchestratorFacade } from '../orchestrator/facade.js';
import type { NewMessage } from '../orchestrator/ports.js';
import { loadAgentRegistry } from '../registry/load.js';
import { AgentRegistry } from '../registry/registry.js';
import { CapabilityIndex } from '../routing/capability-index.js';
import { SHIPPED_AGENTS_DIR } from './fixtures.js';
import { memoryLoads, recordingDelegations, recordingMessages, recordingProjects } from './ports.js';

export interface Workforce {
  registry: AgentRegistry;
  index: CapabilityIndex;
  intents: IntentClassifier;
}

/** The shipped agents/ with their index and offline classifier (built once per test file). */
export async function loadShippedWorkforce(): Promise<Workforce> {
  const registry = AgentRegistry.from(await loadAgentRegistry(SHIPPED_AGENTS_DIR));
  const index = new CapabilityIndex(registry);
  return { registry, index, intents: createOfflineIntentClassifier(registry, index) };
}

export interface HarnessOptions {
  /** Agents at full capacity. */
  full?: string[];
  /** Agent loads to use instead of ones built from the registry's limits (and `full`). */
  loads?: AgentLoadTracker;
  /** The offline model's typing pace (0, the default, sends its prose at once). */
  chunkDelayMs?: number;
  /** How waits for a busy agent pass (a real timer by default). */
  sleep?: (ms: number) => Promise<void>;
  intents?: IntentClassifier;
  /** Shared between two harnesses: a process that died and the one that took over. */
  checkpointer?: BaseCheckpointSaver;
  /** Called with each streamed delta; throwing stops the reply there, as a dying process would. */
  onDelta?: (delta: MessageDelta) => void;
}

/** Drives the facade over recording ports (the Postgres adapters are covered by the API's integration tests). */
export function orchestratorHarness(
  workforce: Workforce,
  llm: LlmProvider = OFFLINE_PROVIDER,
  options: HarnessOptions = {},
) {
  const messages = recordingMessages();
  const projects = recordingProjects();
  const delegations = recordingDelegations();
  const deltas: MessageDelta[] = [];
  const failures: ReplyFailed[] = [];
  const usage: LlmUsage[] = [];
  const order: string[] = [];
  const facade = new OrchestratorFacade({
    registry: () => workforce.registry,
    index: () => workforce.index,
    agentsDir: SHIPPED_AGENTS_DIR,
    llm,
    intents: options.intents ?? workforce.intents,
    projects,
    delegations,
    loads: options.loads ?? memoryLoads(workforce.registry, options.full),
    chunkDelayMs: options.chunkDelayMs ?? 0,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    checkpointer: options.checkpointer ?? new MemorySaver(),
    usage: { record: async (_ctx, u) => void usage.push(u) },
    messages: {
      append: async (m: NewMessage) => {
        order.push(`stored:${m.role}`);
        return messages.append(m);
      },
    },
    events: {
      messageCreated: (_w, m) => order.push(`created:${m.role}`),
      replyStarted: () => order.push('started'),
      delta: (_w, d) => {
        deltas.push(d);
        options.onDelta?.(d);
      },
      replyFailed: (_w, f) => void failures.push(f),
    },
  });
  const workspaceId = randomUUID();
  const send = (conversationId: string, content: string) =>
    facade.handleUserMessage({ workspaceId, conversationId, userId: null, content });
  return { facade, workspaceId, stored: messages.stored, projects, delegations, deltas, failures, usage, order, send };
}
