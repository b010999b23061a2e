// History checkers: pure functions over a recorded multi-connection transcript (DESIGN §2).
export { ALL_CHECKERS, checkTranscript, createHistoryMonitor } from './monitor.ts';
export type { CheckOptions, HistoryMonitor, MonitorOptions } from './monitor.ts';
export type { CheckerContext, CheckerFactory, FinishOptions, HistoryChecker, Violation } from './types.ts';
export { SessionTracker } from './session-tracker.ts';
export type {
  CancelAuthority,
  ConnState,
  FrameFacts,
  JobState,
  ResumePoint,
  SessionState,
  TerminalRecord,
  TrackerOptions,
} from './session-tracker.ts';
export { principalFromLabel, principalLabel } from './principals.ts';
export { DEFAULT_REPLAY_WINDOW } from './seq-history.ts';
export { DEFAULT_MAX_VIOLATIONS_PER_REQUIREMENT } from './violation-log.ts';
export { sequenceChecker } from './sequence-checker.ts';
export { envelopeChecker } from './envelope-checker.ts';
export { terminalChecker } from './terminal-checker.ts';
export { cancelChecker } from './cancel-checker.ts';
export { statusChecker } from './status-checker.ts';
export { markerChecker } from './marker-checker.ts';
export { resumeChecker } from './resume-checker.ts';
export { livenessChecker } from './liveness-checker.ts';
export { chunkChecker } from './chunk-checker.ts';
export { credentialChecker } from './credential-checker.ts';
// Used by the disconnect property: a job that ends cancelled with no cancel sent.
export { outcomeChecker } from './outcome-checker.ts';
// Opt-in (deployment policy): not in ALL_CHECKERS.
export { listingChecker } from './listing-checker.ts';
export { errorPayloadChecker } from './error-payload-checker.ts';
