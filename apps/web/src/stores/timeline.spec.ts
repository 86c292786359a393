import { describe, expect, it } from 'vitest';
import { message, uuid } from '../testing/factories';
import { buildTimeline } from './timeline';

const conversationId = uuid();
const reply = (metadata: Record<string, unknown>) =>
  message({ conversationId, role: 'assistant', content: 'Feedback on the writer', metadata });

describe('buildTimeline', () => {
  it('should carry the improvement and its approval when a reply proposed an improvement', () => {
    const id = uuid();
    const approvalId = uuid();
    const [item] = buildTimeline(
      [reply({ intent: 'IMPROVE_AGENT', improvement: { id, kind: 'proposed', approvalId } })],
      [],
      null,
    );
    expect(item?.improvement).toEqual({ id, approvalId });
  });

  it('should carry the improvement without an approval when the proposal ended without one', () => {
    const id = uuid();
    const [item] = buildTimeline([reply({ improvement: { id, kind: 'ended', approvalId: null } })], [], null);
    expect(item?.improvement).toEqual({ id, approvalId: null });
  });

  it('should leave the improvement out when the metadata is malformed or absent', () => {
    const items = buildTimeline(
      [reply({ improvement: { id: 'not-a-uuid' } }), reply({ improvement: 'x' }), reply({})],
      [],
      { content: 'hi', sentAt: 1 },
    );
    expect(items.map((i) => i.improvement)).toEqual([null, null, null, null]);
  });

  it('should carry who wrote each stored message and leave the one being sent without an author', () => {
    const author = { id: uuid(), name: 'Grace Hopper' };
    const items = buildTimeline([message({ conversationId, author }), reply({})], [], { content: 'hi', sentAt: 1 });
    expect(items.map((i) => [i.role, i.state, i.author])).toEqual([
      ['user', 'stored', author],
      ['assistant', 'stored', null],
      ['user', 'pending', null],
    ]);
  });
});
