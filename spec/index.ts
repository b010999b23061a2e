// The protocol as data: everything the reference runtime, harness and checkers share.
export * from './errors.ts';
export * from './events.ts';
export * from './features.ts';
export * from './lease.ts';
export * from './messages.ts';
export * from './primitives.ts';
export type { Level, Requirement, SpecQuote } from './requirement-types.ts';
export * from './agent-script.ts';
