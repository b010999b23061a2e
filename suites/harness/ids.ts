// Identifiers the harness mints. Message ids are ULIDs: v1.0 §5.1 says `id` SHOULD be a
// ULID or UUIDv7, and some servers refuse anything else (DESIGN §5).
import { randomBytes } from 'node:crypto';
import { ulid } from '../../spec/ulid.ts';

/** A fresh message id (a ULID, monotonic within the process); never repeats. */
export function nextMessageId(): string {
  return ulid();
}

/** A W3C trace id: 32 lowercase hex characters, not all zero (DESIGN §5). */
export function newTraceId(): string {
  const id = randomBytes(16).toString('hex');
  return /^0+$/.test(id) ? newTraceId() : id;
}
