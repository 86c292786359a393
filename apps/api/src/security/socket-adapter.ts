import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { HostPolicy } from './hosts.js';

// Nest's own socket.io types (the API's socket.io may be another patch version).
type ServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;

/**
 * The socket server, refusing a handshake (HTTP 403) whose Host header names another server or
 * whose Origin is another site's: the express middleware never sees the socket's requests.
 */
export class GuardedIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly policy: HostPolicy,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): ReturnType<IoAdapter['createIOServer']> {
    // Spread options are partial; Nest's type wants every key it was given.
    return super.createIOServer(port, {
      ...options,
      allowRequest: (req, callback) => {
        const { host, origin } = req.headers;
        callback(null, this.policy.allowsHost(host) && this.policy.allowsOrigin(origin, host));
      },
    } as ServerOptions);
  }
}
