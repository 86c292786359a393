import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ConversationsService } from '../modules/conversations/conversations.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { ConversationsRepository } from '../modules/conversations/conversations.repository.js';

// Without emitted decorator metadata Nest silently injects undefined; this catches a broken build setup.
describe('decorator metadata', () => {
  it('should be emitted for constructor parameters', () => {
    for (const injectable of [ConversationsService, RealtimeGateway]) {
      const params = Reflect.getMetadata('design:paramtypes', injectable) as unknown[];
      expect(params.length, injectable.name).toBe(injectable.length);
      expect(params.every((p) => typeof p === 'function')).toBe(true);
    }
    expect(Reflect.getMetadata('design:paramtypes', ConversationsRepository)).toHaveLength(2);
  });
});
