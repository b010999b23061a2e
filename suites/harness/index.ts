// The wire harness: connections with recorded transcripts, sessions, resume, configuration.
// It records and reports; tests and checkers decide.
export {
  CLOSE_FORMS,
  ConfigError,
  DEFAULT_PROFILE,
  DEFAULT_TIMEOUT_MS,
  KIT_CLIENT,
  ProfileSchema,
  RESUME_FORMS,
  loadTargetConfig,
  parseProfile,
  type CloseForm,
  type Profile,
  type ResumeForm,
  type TargetConfig,
  type Tokens,
} from './config.ts';
export {
  Connection,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_WAIT_MS,
  displayUrl,
  openConnection,
  type CloseInfo,
  type ConnectionOptions,
  type Envelope,
  type InboundListener,
  type Mark,
  type WaitOptions,
  type WatchOptions,
} from './connection.ts';
export { HarnessError, isHarnessError, type HarnessErrorKind, type HarnessErrorOptions } from './errors.ts';
export {
  describeEntry,
  describeFrame,
  forJob,
  isType,
  isWireFrame,
  payloadOf,
  summarizeEntries,
  type FramePredicate,
  type WireFrame,
} from './frames.ts';
export { newTraceId, nextMessageId } from './ids.ts';
export { MIN_SUBSTRING_SECRET_LENGTH, REDACTED, Redactor, isRedacted, secretsInFrame } from './redact.ts';
export {
  Session,
  agentsOf,
  awaitWelcome,
  isRichAgent,
  connect,
  connectRaw,
  helloPayload,
  resumeRequest,
  type AgentInfo,
  type AgentInventory,
  type ClientInfo,
  type CloseOptions,
  type CloseResult,
  type ConnectOptions,
  type RawConnectOptions,
  type ReplyPredicate,
  type RequestOptions,
  type ResumeOptions,
  type ResumeRequestInput,
  type Resumed,
} from './session.ts';
export {
  RAW_TEXT_LIMIT,
  Transcript,
  frameType,
  type FrameFilter,
  type RecordConnectionInput,
  type RecordFrameInput,
  type TranscriptOptions,
} from './transcript.ts';
export type * from './transcript-types.ts';
