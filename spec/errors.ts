import { z } from 'zod';

// The 15 canonical error codes (v1.1 §12; v1.0 §12 plus LEASE_EXPIRED, BUDGET_EXHAUSTED,
// AGENT_VERSION_NOT_AVAILABLE).
export const ERROR_CODES = [
  'PERMISSION_DENIED',
  'LEASE_SUBSET_VIOLATION',
  'JOB_NOT_FOUND',
  'DUPLICATE_KEY',
  'AGENT_NOT_AVAILABLE',
  'AGENT_VERSION_NOT_AVAILABLE',
  'CANCELLED',
  'TIMEOUT',
  'RESUME_WINDOW_EXPIRED',
  'HEARTBEAT_LOST',
  'LEASE_EXPIRED',
  'BUDGET_EXHAUSTED',
  'INVALID_REQUEST',
  'UNAUTHENTICATED',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

// v1.1 §12: one of the canonical codes.
export const ErrorCodeSchema = z.enum(ERROR_CODES);

// v1.1 §12 / v1.0 §12: error payload. `code` stays an open string because agent-level
// failures may carry vendor codes (v1.0 §12); checkers judge canonical codes where required.
export const ErrorPayloadSchema = z.looseObject({
  code: z.string().min(1),
  message: z.string(),
  retryable: z.boolean(),
  details: z.looseObject({}).optional(),
});

export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;

/** Codes whose `retryable` the spec pins (v1.1 §12). */
export const PINNED_RETRYABLE: Readonly<Partial<Record<ErrorCode, boolean>>> = {
  LEASE_EXPIRED: false,
  BUDGET_EXHAUSTED: false,
  INTERNAL_ERROR: true,
};
