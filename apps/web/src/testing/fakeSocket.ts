import type { AppSocket } from '../composables/useSocket';

type Handler = (...args: unknown[]) => void;

export interface ClientEmit {
  event: string;
  payload: unknown;
  ack?: (response: unknown) => void;
}

/** Stands in for the socket.io client at the edge: records what the app emits, plays server events. */
export class FakeSocket {
  connected = false;
  readonly emitted: ClientEmit[] = [];
  private readonly handlers = new Map<string, Handler[]>();

  on(event: string, handler: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  emit(event: string, payload: unknown, ack?: (response: unknown) => void): this {
    this.emitted.push({ event, payload, ack });
    return this;
  }

  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }

  connect(): this {
    return this;
  }

  disconnect(): this {
    this.connected = false;
    return this;
  }

  /** Plays an event from the server (or socket.io's own connect/disconnect). */
  serverEmit(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }

  simulateConnect(): void {
    this.connected = true;
    this.serverEmit('connect');
  }

  simulateDisconnect(reason = 'transport close'): void {
    this.connected = false;
    this.serverEmit('disconnect', reason);
  }

  /** Answers every unanswered join (conversation or project) with success. */
  ackJoins(): void {
    for (const emit of this.emitted) {
      if (emit.event.endsWith('.join') && emit.ack) {
        emit.ack({ ok: true, data: emit.payload });
        emit.ack = undefined;
      }
    }
  }

  asSocket(): AppSocket {
    return this as unknown as AppSocket;
  }
}
