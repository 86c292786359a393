import {
  serverEventSchemas,
  type Ack,
  type ClientToServerEvents,
  type ConversationRef,
  type ProjectRef,
  type ServerToClientEvents,
} from '@orchestrator/contracts';
import { io, type Socket } from 'socket.io-client';
import { ApiError } from '../api/errors';
import { sessionExpired } from '../api/sessionExpiry';
import { effectScope, readonly, ref, watch, type EffectScope, type Ref } from 'vue';
import type { z } from 'zod';
import { useAgentBuildsStore } from '../stores/agentBuilds';
import { useAgentsStore } from '../stores/agents';
import { useApprovalsStore } from '../stores/approvals';
import { useConversationsStore } from '../stores/conversations';
import { useInboxStore } from '../stores/inbox';
import { useProjectsStore } from '../stores/projects';
import { useSessionStore } from '../stores/session';
import { useWorkforceStore } from '../stores/workforce';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface UseSocketOptions {
  /** Replaces the real connection (tests). */
  createSocket?: () => AppSocket;
}

export interface SocketHandle {
  status: Readonly<Ref<SocketStatus>>;
  /** The conversation whose events this client currently receives. */
  joinedId: Readonly<Ref<string | null>>;
  /** The project whose room this client is in (the one whose detail is open). */
  joinedProjectId: Readonly<Ref<string | null>>;
  /** Resolves true once `conversationId` is joined, false if that does not happen in time. */
  waitForJoin(conversationId: string, timeoutMs?: number): Promise<boolean>;
}

interface Connection {
  socket: AppSocket;
  scope: EffectScope;
  handle: SocketHandle;
}

let connection: Connection | null = null;

function defaultSocket(): AppSocket {
  // Same origin: in production NestJS serves the app, in development Vite proxies /socket.io.
  return io({ path: '/socket.io', transports: ['websocket'] });
}

type ServerEventName = keyof typeof serverEventSchemas;
type ServerEventPayload<K extends ServerEventName> = z.output<(typeof serverEventSchemas)[K]>;

/** Validates a server payload; a malformed event is dropped rather than corrupting the store. */
function parseEvent<K extends ServerEventName>(name: K, payload: unknown): ServerEventPayload<K> | null {
  const result = serverEventSchemas[name].safeParse(payload);
  if (!result.success) {
    console.warn(`[socket] dropped malformed "${name}" event`, result.error.issues);
    return null;
  }
  return result.data as ServerEventPayload<K>;
}

function connect(options: UseSocketOptions): Connection {
  const store = useConversationsStore();
  const projects = useProjectsStore();
  const approvals = useApprovalsStore();
  const inbox = useInboxStore();
  const session = useSessionStore();
  const agents = useAgentsStore();
  const agentBuilds = useAgentBuildsStore();
  const workforce = useWorkforceStore();
  const socket = (options.createSocket ?? defaultSocket)();
  const status = ref<SocketStatus>('connecting');
  const joinedId = ref<string | null>(null);
  const joinedProjectId = ref<string | null>(null);
  let connectedBefore = false;

  function join(conversationId: string): void {
    socket.emit('conversation.join', { conversationId }, (res: Ack<ConversationRef>) => {
      if (store.activeId !== conversationId || !socket.connected) return; // moved on meanwhile
      if (!res.ok) {
        console.warn('[socket] could not join conversation', conversationId, res.error);
        return;
      }
      joinedId.value = conversationId;
      // Whatever happened between the last fetch and this join (or while disconnected).
      void store.catchUp(conversationId);
    });
  }

  function leave(conversationId: string): void {
    if (socket.connected) socket.emit('conversation.leave', { conversationId });
  }

  // Step events also reach the workspace room, so nothing is missed before this join completes.
  function joinProject(projectId: string): void {
    socket.emit('project.join', { projectId }, (res: Ack<ProjectRef>) => {
      if (projects.openId !== projectId || !socket.connected) return;
      if (!res.ok) {
        console.warn('[socket] could not join project', projectId, res.error);
        return;
      }
      joinedProjectId.value = projectId;
    });
  }

  function leaveProject(projectId: string): void {
    if (socket.connected) socket.emit('project.leave', { projectId });
  }

  socket.on('connect', () => {
    status.value = 'connected';
    // socket.io has no connection-state recovery here: a reconnect starts with no rooms, so
    // join again; the join's catch-up fetch restores what was missed.
    if (connectedBefore) {
      joinedId.value = null;
      joinedProjectId.value = null;
      // The server closes a member's sockets when an admin changes their role: what they may do
      // now comes with the session.
      void session.refresh();
    }
    connectedBefore = true;
    // The workspace room is joined by the server on connect: what it sent before — while
    // reconnecting, or on a first connect slower than the page's first loads — is lost, so what
    // is already loaded is fetched again (nothing is loaded yet on a fast first connect).
    projects.resync();
    approvals.resync();
    if (inbox.state !== 'idle') void inbox.load({ force: true });
    agents.resync();
    agentBuilds.resync();
    if (store.activeId) join(store.activeId);
    if (projects.openId) joinProject(projects.openId);
  });
  socket.on('disconnect', (reason) => {
    joinedId.value = null;
    joinedProjectId.value = null;
    status.value = 'reconnecting';
    // After a server-side disconnect socket.io does not retry by itself.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
    // The session or token ended: retrying would only be refused again. The page goes to sign-in.
    if (err.data?.code === 'auth/unauthenticated') {
      socket.disconnect();
      status.value = 'disconnected';
      sessionExpired(new ApiError({ code: err.data.code, message: err.data.message ?? err.message, status: 401 }));
      return;
    }
    status.value = connectedBefore ? 'reconnecting' : 'disconnected';
  });

  socket.on('message.created', (payload) => {
    const message = parseEvent('message.created', payload);
    if (message) store.upsertMessage(message);
  });
  socket.on('reply.started', (payload) => {
    const event = parseEvent('reply.started', payload);
    if (event) store.applyReplyStarted(event);
  });
  socket.on('message.delta', (payload) => {
    const event = parseEvent('message.delta', payload);
    if (event) store.applyDelta(event);
  });
  socket.on('reply.failed', (payload) => {
    const event = parseEvent('reply.failed', payload);
    if (event) store.applyReplyFailed(event);
  });
  socket.on('project.updated', (payload) => {
    const project = parseEvent('project.updated', payload);
    if (project) projects.applyProjectUpdated(project);
  });
  socket.on('step.updated', (payload) => {
    const event = parseEvent('step.updated', payload);
    if (!event) return;
    projects.applyStepUpdated(event);
    inbox.applyStepUpdated(event);
  });
  socket.on('approval.requested', (payload) => {
    const approval = parseEvent('approval.requested', payload);
    if (!approval) return;
    approvals.applyRequested(approval);
    inbox.reloadSoon();
  });
  socket.on('approval.decided', (payload) => {
    // The inbox follows the approvals store: a decided approval leaves it by itself.
    const approval = parseEvent('approval.decided', payload);
    if (approval) approvals.applyDecided(approval);
  });
  socket.on('agent.status_changed', (payload) => {
    const event = parseEvent('agent.status_changed', payload);
    if (event) agents.applyStatusChanged(event);
  });
  socket.on('registry.reloaded', (payload) => {
    const event = parseEvent('registry.reloaded', payload);
    if (event) agents.applyRegistryReloaded(event);
  });
  socket.on('agent_build.updated', (payload) => {
    const build = parseEvent('agent_build.updated', payload);
    if (build) agentBuilds.applyUpdated(build);
  });
  socket.on('agent_improvement.updated', (payload) => {
    const improvement = parseEvent('agent_improvement.updated', payload);
    if (improvement) workforce.applyImprovementUpdated(improvement);
  });

  const scope = effectScope(true);
  scope.run(() => {
    watch(
      () => store.activeId,
      (next, previous) => {
        if (previous) leave(previous);
        joinedId.value = null;
        if (next && socket.connected) join(next);
      },
    );
    watch(
      () => projects.openId,
      (next, previous) => {
        if (previous) leaveProject(previous);
        joinedProjectId.value = null;
        if (next && socket.connected) joinProject(next);
      },
    );
  });

  function waitForJoin(conversationId: string, timeoutMs = 2_000): Promise<boolean> {
    if (joinedId.value === conversationId) return Promise.resolve(true);
    if (!socket.connected) return Promise.resolve(false);
    return new Promise((resolve) => {
      const stop = watch(joinedId, (id) => {
        if (id === conversationId) finish(true);
      });
      const timer = setTimeout(() => finish(false), timeoutMs);
      function finish(joined: boolean): void {
        clearTimeout(timer);
        stop();
        resolve(joined);
      }
    });
  }

  const handle: SocketHandle = {
    status: readonly(status),
    joinedId: readonly(joinedId),
    joinedProjectId: readonly(joinedProjectId),
    waitForJoin,
  };
  return { socket, scope, handle };
}

/**
 * The app's one socket. It follows the conversations store's active conversation and the
 * projects store's open project (join/leave their rooms), routes server events into the
 * conversations, projects, approvals and inbox stores and re-syncs them after reconnecting.
 * Components never use the socket directly.
 */
export function useSocket(options: UseSocketOptions = {}): SocketHandle {
  connection ??= connect(options);
  return connection.handle;
}

/** Closes the socket (tests, hot reload). */
export function disposeSocket(): void {
  if (!connection) return;
  connection.scope.stop();
  connection.socket.removeAllListeners();
  connection.socket.disconnect();
  connection = null;
}

// Hot reload re-runs this module: close the old socket instead of leaking a second one.
if (import.meta.hot) import.meta.hot.dispose(() => disposeSocket());
