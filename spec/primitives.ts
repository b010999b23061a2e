import { z } from 'zod';

// Patterns rather than JSON Schema `format`s, so zod and ajv judge them identically.

// v1.1 §9.5 / ISO 8601: a date-time with an explicit offset.
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
export const Timestamp = z.string().regex(TIMESTAMP_PATTERN);

// v1.1 §9.5: `expires_at` MUST be UTC with the `Z` suffix.
export const UTC_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// v1.0 §11: a W3C trace-id is 32 lowercase hex characters (what the kit sends).
export const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;

// v1.1 §7.5: agent ::= name | name "@" version.
export const AGENT_REF_PATTERN = /^[a-z0-9][a-z0-9._-]*(@[a-zA-Z0-9.+_-]+)?$/;
export const AgentRef = z.string().regex(AGENT_REF_PATTERN);

// v1.0 §5.2: integers fit in a signed 64-bit integer; sequence numbers are non-negative.
export const Seq = z.number().int().nonnegative();

// v1.0 §7.3 / v1.1 §7.3: job statuses.
export const JOB_STATUSES = ['pending', 'running', 'success', 'error', 'cancelled', 'timed_out'] as const;
export const TERMINAL_STATUSES = ['success', 'error', 'cancelled', 'timed_out'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatusName = (typeof JOB_STATUSES)[number];

export function isTerminalStatus(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** Splits `name@version` into its parts (v1.1 §7.5). */
export function parseAgentRef(ref: string): { name: string; version?: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), version: ref.slice(at + 1) };
}
