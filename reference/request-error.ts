// A rejected request. Handlers throw it; the connection turns it into `session.error`
// (DESIGN §5: rejected requests may come back as session.error).
import { PINNED_RETRYABLE, type ErrorCode, type ErrorPayload } from '../spec/index.ts';

export class RequestError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toPayload(extraDetails?: Record<string, unknown>): ErrorPayload {
    return errorPayload(this.code, this.message, { ...this.details, ...extraDetails });
  }
}

/** An error payload with the spec's pinned `retryable` (v1.1 §12); other codes are not retryable. */
export function errorPayload(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorPayload {
  const payload: ErrorPayload = { code, message, retryable: PINNED_RETRYABLE[code] ?? retryableByDefault(code) };
  if (details !== undefined && Object.keys(details).length > 0) payload.details = details;
  return payload;
}

function retryableByDefault(code: ErrorCode): boolean {
  // A lost heartbeat is recoverable by resuming; everything else fails the same way again.
  return code === 'HEARTBEAT_LOST';
}
