// Identifiers the harness mints. Message ids must be unique per sender (v1.0 §5.1); a random
// prefix per process plus a counter is unique, cheap, and readable in a transcript.
import { randomBytes } from 'node:crypto';

const PROCESS_PREFIX = randomBytes(4).toString('hex');
let counter = 0;

/** A fresh message id, e.g. `m-1a2b3c4d-17`; never repeats within the process. */
export function nextMessageId(): string {
  counter += 1;
  return `m-${PROCESS_PREFIX}-${counter}`;
}

/** A W3C trace id: 32 lowercase hex characters, not all zero (DESIGN §5). */
export function newTraceId(): string {
  const id = randomBytes(16).toString('hex');
  return /^0+$/.test(id) ? newTraceId() : id;
}
