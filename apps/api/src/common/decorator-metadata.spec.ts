import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ConversationsService } from '../modules/conversations/conversations.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { ConversationsRepository } from '../modules/conversations/conversations.repository.js';

// Without emitted decorator metadata Nest silently injects undefined; this catches a broken build setup.
describe('decorator metadata', () => {
  it('should be emitted for constructor parameters', () => {
    expect(Reflect.getMetadata('design:paramtypes', ConversationsService)).toHaveLength(1);
    expect(Reflect.getMetadata('design:paramtypes', RealtimeGateway)).toEqual([
      expect.any(Function),
      expect.any(Function),
      expect.any(Function),
      expect.any(Function),
      expect.any(Function),
    ]);
    expect(Reflect.getMetadata('design:paramtypes', ConversationsRepository)).toHaveLength(2);
  });
});
