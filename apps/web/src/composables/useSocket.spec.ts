import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { build, improvement } from '../components/workforce/testData';
import { useAgentBuildsStore } from '../stores/agentBuilds';
import { useApprovalsStore } from '../stores/approvals';
import { useConversationsStore } from '../stores/conversations';
import { useInboxStore } from '../stores/inbox';
import { useProjectsStore } from '../stores/projects';
import { useSessionStore } from '../stores/session';
import { useWorkforceStore } from '../stores/workforce';
import { approval, message, projectStep, projectSummary, uuid } from '../testing/factories';
import { FakeSocket } from '../testing/fakeSocket';
import { json, mockFetch } from '../testing/fetchMock';
import { sessionInfo } from '../testing/identity';
import { onSessionExpired } from '../api/sessionExpiry';
import { disposeSocket, useSocket } from './useSocket';

let fake: FakeSocket;

beforeEach(() => {
  setActivePinia(createPinia());
  fake = new FakeSocket();
});
afterEach(() => disposeSocket());

function start() {
  return useSocket({ createSocket: () => fake.asSocket() });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('useSocket', () => {
  it('should join the active conversation on connect and leave it when another is selected', async () => {
    const store = useConversationsStore();
    const first = uuid();
    const second = uuid();
    store.setActive(first);
    const socket = start();
    fake.simulateConnect();
    expect(fake.emitted.map((e) => [e.event, e.payload])).toEqual([['conversation.join', { conversationId: first }]]);
    fake.ackJoins();
    expect(socket.joinedId.value).toBe(first);
    expect(socket.status.value).toBe('connected');

    store.setActive(second);
    await nextTick();
    expect(fake.emitted.slice(1).map((e) => [e.event, e.payload])).toEqual([
      ['conversation.leave', { conversationId: first }],
      ['conversation.join', { conversationId: second }],
    ]);
  });

  it('should stop reconnecting and report the session ended when the handshake is refused as unauthenticated', () => {
    const ended: string[] = [];
    const unsubscribe = onSessionExpired((error) => ended.push(error.code));
    const socket = start();
    const disconnect = vi.spyOn(fake, 'disconnect');
    fake.serverEmit(
      'connect_error',
      Object.assign(new Error('Sign in to connect.'), { data: { code: 'auth/unauthenticated' } }),
    );
    unsubscribe();
    expect(ended).toEqual(['auth/unauthenticated']);
    expect(disconnect).toHaveBeenCalled();
    expect(socket.status.value).toBe('disconnected');
    // Any other refusal keeps socket.io retrying.
    fake.serverEmit('connect_error', new Error('xhr poll error'));
    expect(ended).toEqual(['auth/unauthenticated']);
  });

  it('should fetch the session again when the server closed the socket, so a changed role shows', async () => {
    let role: 'admin' | 'viewer' = 'admin';
    mockFetch({ 'GET /api/auth/session': () => ({ body: sessionInfo(role) }) });
    const session = useSessionStore();
    await session.load();
    start();
    fake.simulateConnect();
    // An admin made this person a viewer: the server closed their sockets; socket.io reconnects.
    role = 'viewer';
    fake.simulateDisconnect('io server disconnect');
    fake.simulateConnect();
    await vi.waitFor(() => expect(session.role).toBe('viewer'));
  });

  it('should route streaming events into the store', () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const messageId = uuid();
    start();
    fake.simulateConnect();

    fake.serverEmit('reply.started', { conversationId, messageId, offline: true });
    fake.serverEmit('message.delta', { conversationId, messageId, index: 0, delta: 'Hel' });
    fake.serverEmit('message.delta', { conversationId, messageId, index: 1, delta: 'lo' });
    expect(store.timeline(conversationId)[0]).toMatchObject({ state: 'streaming', content: 'Hello', offline: true });

    fake.serverEmit(
      'message.created',
      message({ id: messageId, conversationId, seq: 2, role: 'assistant', content: 'Hello!' }),
    );
    expect(store.timeline(conversationId)).toHaveLength(1);
    expect(store.timeline(conversationId)[0]).toMatchObject({ state: 'stored', content: 'Hello!' });
  });

  it('should drop a malformed event instead of storing it', () => {
    const store = useConversationsStore();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const conversationId = uuid();
    start();
    fake.serverEmit('message.delta', { conversationId, messageId: 'not-a-uuid', index: 0, delta: 'x' });
    fake.serverEmit('message.created', { id: uuid(), conversationId });
    expect(store.timeline(conversationId)).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('should re-join and fetch missed messages after a reconnect', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const m1 = message({ conversationId, seq: 1, content: 'before' });
    const m2 = message({ conversationId, seq: 2, role: 'assistant', content: 'missed while offline' });
    const onServer = [m1];
    const { requests } = mockFetch({
      [`GET /api/conversations/${conversationId}/messages`]: ({ url }) => {
        const after = Number(new URL(url, 'http://x').searchParams.get('after') ?? 0);
        return { body: { messages: onServer.filter((m) => m.seq > after), hasMore: false } };
      },
    });
    await store.loadMessages(conversationId);
    store.setActive(conversationId);
    const socket = start();
    fake.simulateConnect();
    fake.ackJoins();
    await flush();

    fake.simulateDisconnect();
    onServer.push(m2); // the reply is stored while this client is away
    expect(socket.status.value).toBe('reconnecting');
    expect(socket.joinedId.value).toBeNull();

    fake.simulateConnect();
    const joins = fake.emitted.filter((e) => e.event === 'conversation.join');
    expect(joins).toHaveLength(2);
    fake.ackJoins();
    await flush();

    expect(store.timeline(conversationId).map((i) => i.content)).toEqual(['before', 'missed while offline']);
    expect(requests.at(-1)?.url).toContain('after=1');
    expect(socket.joinedId.value).toBe(conversationId);
  });

  it('should resolve waitForJoin once the conversation is joined, and false when offline', async () => {
    const store = useConversationsStore();
    const conversationId = uuid();
    const socket = start();
    await expect(socket.waitForJoin(conversationId)).resolves.toBe(false);

    fake.simulateConnect();
    store.setActive(conversationId);
    await nextTick();
    const waiting = socket.waitForJoin(conversationId, 1000);
    fake.ackJoins();
    await expect(waiting).resolves.toBe(true);
  });

  it('should not mark a conversation joined when the server refuses', () => {
    const store = useConversationsStore();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const conversationId = uuid();
    store.setActive(conversationId);
    const socket = start();
    fake.simulateConnect();
    fake.emitted[0]?.ack?.({ ok: false, error: { code: 'conversation/forbidden', message: 'Not yours.' } });
    expect(socket.joinedId.value).toBeNull();
  });
  it('should keep the projects store current with project.updated and drop malformed ones', () => {
    const projects = useProjectsStore();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    start();
    fake.simulateConnect();
    const project = projectSummary({ status: 'awaiting_plan_approval' });
    fake.serverEmit('project.updated', project);
    fake.serverEmit('project.updated', { ...project, status: 'running', updatedAt: '2026-11-20T11:00:00.000Z' });
    fake.serverEmit('project.updated', { ...project, status: 'teleported' });
    expect(projects.summaries[project.id]?.status).toBe('running');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should refetch loaded projects after a reconnect, in case updates were missed', async () => {
    const project = projectSummary();
    const { requests } = mockFetch({
      'GET /api/projects': () => ({ body: { projects: [project], nextCursor: null } }),
    });
    const projects = useProjectsStore();
    start();
    fake.simulateConnect();
    await projects.loadList();
    fake.simulateDisconnect();
    fake.simulateConnect();
    await flush();
    expect(requests.filter((r) => r.url.startsWith('/api/projects'))).toHaveLength(2);
  });

  it('should refetch what the page loaded before its first connect, in case updates were sent meanwhile', async () => {
    const project = projectSummary();
    const { requests } = mockFetch({
      'GET /api/projects': () => ({ body: { projects: [project], nextCursor: null } }),
    });
    const projects = useProjectsStore();
    await projects.loadList();
    start();
    fake.simulateConnect();
    await flush();
    expect(requests.filter((r) => r.url.startsWith('/api/projects'))).toHaveLength(2);
  });

  it('should keep the approvals badge current with requested and decided events, dropping malformed ones', () => {
    const approvals = useApprovalsStore();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    start();
    fake.simulateConnect();
    const a = approval();
    const b = approval();
    fake.serverEmit('approval.requested', a);
    fake.serverEmit('approval.requested', b);
    fake.serverEmit('approval.requested', { ...approval(), riskLevel: 'apocalyptic' });
    expect(approvals.pendingCount).toBe(2);
    fake.serverEmit('approval.decided', {
      ...a,
      status: 'approved',
      decidedBy: 'Ada',
      decidedAt: '2026-11-20T11:00:00.000Z',
    });
    expect(approvals.pendingCount).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should route step.updated into the open project and out of the inbox once the step is done', async () => {
    const projectId = uuid();
    mockFetch({
      [`GET /api/projects/${projectId}/steps`]: json({
        steps: [projectStep({ stepKey: 'review', status: 'waiting_for_human', assignedHuman: 'Sarah' })],
      }),
      'GET /api/inbox': json({
        approvals: [],
        humanSteps: [
          {
            projectId,
            projectTitle: 'Launch',
            stepKey: 'review',
            name: 'Review',
            description: 'Review the launch plan',
            assignedHuman: 'Sarah',
            collaboration: 'review',
            riskLevel: 'low',
            dueAt: null,
            overdue: false,
            lastRemindedAt: null,
            waitingSince: '2020-01-01T00:00:00.000Z',
          },
        ],
      }),
    });
    const projects = useProjectsStore();
    const inbox = useInboxStore();
    await Promise.all([projects.loadSteps(projectId), inbox.load()]);
    start();
    fake.simulateConnect();

    fake.serverEmit('step.updated', {
      projectId,
      step: projectStep({ stepKey: 'review', status: 'completed', assignedHuman: 'Sarah' }),
    });
    expect(projects.step(projectId, 'review')?.status).toBe('completed');
    expect(inbox.humanSteps).toEqual([]);
  });

  it('should join the open project’s room, leave it for another and re-join after a reconnect', async () => {
    const projects = useProjectsStore();
    const first = uuid();
    const second = uuid();
    const socket = start();
    fake.simulateConnect();
    projects.setOpen(first);
    await nextTick();
    expect(fake.emitted.map((e) => [e.event, e.payload])).toEqual([['project.join', { projectId: first }]]);
    fake.ackJoins();
    expect(socket.joinedProjectId.value).toBe(first);

    projects.setOpen(second);
    await nextTick();
    expect(fake.emitted.slice(1).map((e) => [e.event, e.payload])).toEqual([
      ['project.leave', { projectId: first }],
      ['project.join', { projectId: second }],
    ]);
    fake.ackJoins();

    mockFetch({});
    fake.simulateDisconnect();
    expect(socket.joinedProjectId.value).toBeNull();
    fake.simulateConnect();
    expect(fake.emitted.at(-1)).toMatchObject({ event: 'project.join', payload: { projectId: second } });
    fake.ackJoins();
    expect(socket.joinedProjectId.value).toBe(second);

    projects.setOpen(null);
    await nextTick();
    expect(fake.emitted.at(-1)).toMatchObject({ event: 'project.leave', payload: { projectId: second } });
  });

  it('should refetch pending approvals after a reconnect, in case decisions were missed', async () => {
    const a = approval();
    let served = [a];
    const { requests } = mockFetch({
      'GET /api/approvals': () => ({ body: { approvals: served, nextCursor: null } }),
      [`GET /api/approvals/${a.id}`]: json({
        ...a,
        status: 'approved',
        decidedBy: 'Ada',
        decidedAt: '2026-11-20T11:00:00.000Z',
      }),
    });
    const approvals = useApprovalsStore();
    start();
    fake.simulateConnect();
    await approvals.loadPending();
    expect(approvals.pendingCount).toBe(1);

    fake.simulateDisconnect();
    served = []; // decided while this client was away
    fake.simulateConnect();
    await flush();
    await flush();
    expect(requests.filter((r) => r.url.startsWith('/api/approvals?status=pending'))).toHaveLength(2);
    expect(approvals.pendingCount).toBe(0);
  });

  it('should route agent builds and improvements into the workforce stores', () => {
    const builds = useAgentBuildsStore();
    const workforce = useWorkforceStore();
    start();
    fake.simulateConnect();
    const b = build({ status: 'validating' });
    fake.serverEmit('agent_build.updated', b);
    fake.serverEmit('agent_improvement.updated', improvement({ status: 'pending_approval' }));
    expect(builds.byId[b.id]?.status).toBe('validating');
    expect(workforce.improvements['blog_post_writer']?.[0]?.status).toBe('pending_approval');
  });
});
