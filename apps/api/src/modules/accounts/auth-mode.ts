import { AppError } from '../../common/app-error.js';
import type { AppConfig } from '../../config/env.js';

/** 409 `auth/local_mode` unless people sign in (AUTH_MODE=authenticated): `what` says what needs it. */
export function requireAuthenticatedMode(config: AppConfig, what: string): void {
  if (config.env.AUTH_MODE !== 'authenticated')
    throw new AppError('auth/local_mode', `${what} needs authenticated mode (AUTH_MODE=authenticated).`);
}
