import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ConversationsService } from '../modules/conversations/conversations.service.js';
import { RealtimeGateway } from '../realtime/realtime.gateway.js';
import { ConversationsRepository } from '../modules/conversations/conversations.repository.js';

// Without emitted decorator metadata Nest silently injects undefined; this catches a broken build setup.
describe('decorator metadata', () => {
  it('should be emitted for constructor parameters', () => {
    expect(Reflect.getMetadata('design:paramtypes', ConversationsService)).toHaveLength(1);
    const gatewayParams = Reflect.getMetadata('design:paramtypes', RealtimeGateway) as unknown[];
    expect(gatewayParams.length).toBeGreaterThan(0);
    expect(gatewayParams.every((p) => typeof p === 'function')).toBe(true);
    expect(Reflect.getMetadata('design:paramtypes', ConversationsRepository)).toHaveLength(2);
  });
});
