import { Injectable } from '@nestjs/common';
import {
  conversationRoom,
  projectRoom,
  workspaceRoom,
  type AgentImprovement,
  type AgentStatusChanged,
  type RegistryReloaded,
  type ProjectStep,
  type Approval,
  type ClientToServerEvents,
  type Message,
  type MessageDelta,
  type ProjectSummary,
  type ReplyFailed,
  type ReplyStarted,
  type ServerToClientEvents,
  type AgentBuild,
} from '@orchestrator/contracts';
import type { OrchestratorEvents } from '@orchestrator/core';
import type { Server } from 'socket.io';
import type { RequestContext } from '../common/request-context.js';

/** What the gateway keeps on each socket: who authenticated it, and until when its token is valid. */
export interface SocketData {
  ctx: RequestContext;
  tokenExpiresAt?: Date;
}

export type TypedServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Emits domain events to socket rooms. The gateway attaches the server at start-up; until then
 * (and in processes without a gateway) events are dropped, and clients catch up over REST.
 */
@Injectable()
export class RealtimePublisher implements OrchestratorEvents {
  private server?: TypedServer;

  attach(server: TypedServer): void {
    this.server = server;
  }

  /** Closes the sockets whose caller no longer holds (a session ended, a member removed). */
  async disconnect(match: (ctx: RequestContext) => boolean): Promise<void> {
    for (const socket of (await this.server?.fetchSockets()) ?? []) {
      const ctx = (socket.data as { ctx?: RequestContext }).ctx;
      if (ctx && match(ctx)) socket.disconnect(true);
    }
  }

  messageCreated(_workspaceId: string, message: Message): void {
    this.server?.to(conversationRoom(message.conversationId)).emit('message.created', message);
  }

  replyStarted(_workspaceId: string, event: ReplyStarted): void {
    this.server?.to(conversationRoom(event.conversationId)).emit('reply.started', event);
  }

  delta(_workspaceId: string, event: MessageDelta): void {
    this.server?.to(conversationRoom(event.conversationId)).emit('message.delta', event);
  }

  replyFailed(_workspaceId: string, event: ReplyFailed): void {
    this.server?.to(conversationRoom(event.conversationId)).emit('reply.failed', event);
  }

  projectUpdated(workspaceId: string, project: ProjectSummary): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('project.updated', project);
  }

  /** A run paused for a person: every approver of the workspace sees it in their queue. */
  approvalRequested(workspaceId: string, approval: Approval): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('approval.requested', approval);
  }

  /** Decided, expired or cancelled: queues drop it, badges count down. */
  approvalDecided(workspaceId: string, approval: Approval): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('approval.decided', approval);
  }

  /** Waited too long at its level and moved up the reportsTo line: the inbox of the next owner shows it. */
  approvalEscalated(workspaceId: string, approval: Approval): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('approval.escalated', approval);
  }

  /** An agent's load or lifecycle changed: the org chart and workforce list update live. */
  agentStatusChanged(workspaceId: string, event: AgentStatusChanged): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('agent.status_changed', event);
  }

  /** agents/ was reloaded (files changed on disk or saved in the app): the whole list and its problems. */
  registryReloaded(workspaceId: string, event: RegistryReloaded): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('registry.reloaded', event);
  }

  /** An improvement proposal moved (proposed, waiting, applied, rejected, failed, rolled back). */
  agentImprovementUpdated(workspaceId: string, improvement: AgentImprovement): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('agent_improvement.updated', improvement);
  }

  /** A build moved on (drafted, validated, waiting for approval, deployed…): the Workforce view and build cards follow it. */
  agentBuildUpdated(workspaceId: string, build: AgentBuild): void {
    this.server?.to(workspaceRoom(workspaceId)).emit('agent_build.updated', build);
  }

  /** A token was revoked: the sockets it authenticated close (their clients see `disconnect`). */
  async disconnectToken(tokenId: string): Promise<void> {
    const sockets = (await this.server?.fetchSockets()) ?? [];
    for (const socket of sockets) if (socket.data.ctx.tokenId === tokenId) socket.disconnect(true);
  }

  stepUpdated(workspaceId: string, projectId: string, step: ProjectStep): void {
    this.server?.to([workspaceRoom(workspaceId), projectRoom(projectId)]).emit('step.updated', { projectId, step });
  }
}
