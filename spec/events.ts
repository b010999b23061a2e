import { z } from 'zod';
import { ErrorPayloadSchema } from './errors.ts';
import { LeaseSchema } from './lease.ts';
import { Timestamp } from './primitives.ts';

// v1.1 §8.2: `log` body.
export const LogBody = z.looseObject({ level: z.string().min(1), message: z.string() });
// v1.1 §8.2: `thought` body.
export const ThoughtBody = z.looseObject({ text: z.string() });
// v1.1 §8.2: `tool_call` body.
export const ToolCallBody = z.looseObject({
  tool: z.string().min(1),
  args: z.unknown().optional(),
  call_id: z.string().min(1),
});
// v1.1 §8.2, v1.0 §13.4: `tool_result` body carries `result` or an error payload.
export const ToolResultBody = z.looseObject({
  call_id: z.string().min(1),
  result: z.unknown().optional(),
  error: ErrorPayloadSchema.optional(),
});
// v1.1 §8.2: `status` body; `phase` is open (e.g. back_pressure, credential_rotated).
export const StatusBody = z.looseObject({ phase: z.string().min(1), message: z.string().optional() });
// v1.1 §8.2, §9.6: `metric` body; `cost.*` metrics carry a currency unit.
export const MetricBody = z.looseObject({
  name: z.string().min(1),
  value: z.number(),
  unit: z.string().optional(),
  dimensions: z.looseObject({}).optional(),
});
// v1.1 §8.2: `artifact_ref` body.
export const ArtifactRefBody = z.looseObject({
  uri: z.string().min(1),
  content_type: z.string().min(1),
  byte_size: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
});
// v1.0 §10.1: `delegate` body.
export const DelegateBody = z.looseObject({
  delegate_id: z.string().min(1),
  agent: z.string().min(1),
  input: z.unknown().optional(),
  lease_request: LeaseSchema.optional(),
});
// v1.1 §8.2.1: `progress` body; `current` MUST be non-negative.
export const ProgressBody = z.looseObject({
  current: z.number().nonnegative(),
  total: z.number().nonnegative().optional(),
  units: z.string().optional(),
  message: z.string().optional(),
});
// v1.1 §8.4: `result_chunk` body.
export const ResultChunkBody = z.looseObject({
  result_id: z.string().min(1),
  chunk_seq: z.number().int().nonnegative(),
  data: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  more: z.boolean(),
});

/** Body schema of every event kind the spec defines (v1.1 §8.2). */
export const EVENT_BODIES = {
  log: LogBody,
  thought: ThoughtBody,
  tool_call: ToolCallBody,
  tool_result: ToolResultBody,
  status: StatusBody,
  metric: MetricBody,
  artifact_ref: ArtifactRefBody,
  delegate: DelegateBody,
  progress: ProgressBody,
  result_chunk: ResultChunkBody,
} as const;

export type EventKind = keyof typeof EVENT_BODIES;
export const EVENT_KINDS = Object.keys(EVENT_BODIES) as EventKind[];

function eventPayload<K extends EventKind>(kind: K) {
  return z.looseObject({ kind: z.literal(kind), ts: Timestamp.optional(), body: EVENT_BODIES[kind] });
}

// v1.0 §8.2: receivers ignore unknown kinds (vendor kinds SHOULD be `x-` prefixed), so any
// kind that is not a defined one is accepted with an object body.
export const UNKNOWN_KIND_PATTERN = new RegExp(`^(?!(${EVENT_KINDS.join('|')})$).+`);
export const OtherEventPayload = z.looseObject({
  kind: z.string().regex(UNKNOWN_KIND_PATTERN),
  ts: Timestamp.optional(),
  body: z.looseObject({}),
});

/** Event payload schema per defined kind (v1.1 §8.1). */
export const EVENT_PAYLOADS = Object.fromEntries(EVENT_KINDS.map((k) => [k, eventPayload(k)])) as {
  [K in EventKind]: ReturnType<typeof eventPayload<K>>;
};

// v1.1 §8.1: payload = { kind, ts?, body }.
export const EventPayloadSchema = z.union([
  EVENT_PAYLOADS.log,
  EVENT_PAYLOADS.thought,
  EVENT_PAYLOADS.tool_call,
  EVENT_PAYLOADS.tool_result,
  EVENT_PAYLOADS.status,
  EVENT_PAYLOADS.metric,
  EVENT_PAYLOADS.artifact_ref,
  EVENT_PAYLOADS.delegate,
  EVENT_PAYLOADS.progress,
  EVENT_PAYLOADS.result_chunk,
  OtherEventPayload,
]);

export type EventBody<K extends EventKind> = z.infer<(typeof EVENT_BODIES)[K]>;
export type EventPayload =
  | { [K in EventKind]: { kind: K; ts?: string; body: EventBody<K> } }[EventKind]
  | { kind: string; ts?: string; body: Record<string, unknown> };
