// The reference runtime (DESIGN §6): a complete, minimal ARCP v1.1 server with the
// conformance agent, switchable defects and legal variants.
export { startReference, type ReferenceServer } from './server.ts';
export { runServe, parseServeArgs } from './serve.ts';
export { DEFECTS, DEFECT_NAMES, isDefectName, type Defect, type DefectName } from './defects.ts';
export { VARIANTS, VARIANT_NAMES, isVariantName, variantProfile, type Variant, type VariantName } from './variants.ts';
export { DEFAULT_TOKENS } from './auth.ts';
export { CONFORMANCE_AGENT } from './agents.ts';
export { CONFORMANCE_TIMERS, type ReferenceOptions, type SubscribePolicy } from './options.ts';
export type { RuntimeStats, SessionStats } from './runtime.ts';
