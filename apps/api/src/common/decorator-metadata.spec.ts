import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ConversationsService } from '../modules/conversations/conversations.service.js';
import { ConversationsGateway } from '../realtime/conversations.gateway.js';
import { ConversationsRepository } from '../modules/conversations/conversations.repository.js';

// Without emitted decorator metadata Nest silently injects undefined; this catches a broken build setup.
describe('decorator metadata', () => {
  it('should be emitted for constructor parameters', () => {
    expect(Reflect.getMetadata('design:paramtypes', ConversationsService)).toHaveLength(1);
    expect(Reflect.getMetadata('design:paramtypes', ConversationsGateway)).toEqual([
      expect.any(Function),
      expect.any(Function),
      expect.any(Function),
      expect.any(Function),
    ]);
    expect(Reflect.getMetadata('design:paramtypes', ConversationsRepository)).toHaveLength(2);
  });
});
