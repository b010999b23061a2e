// The reference runtime as a property target, for the project's own tests and scripts (never
// for a conformance suite: suites only see a URL). Options match the embedded target, with
// timers short enough for leak checks and a low back-pressure threshold so the runtime's own
// status events join the concurrent emitters.
import { DEFAULT_TOKENS } from '../../../reference/auth.ts';
import type { DefectName } from '../../../reference/defects.ts';
import { startReference, type ReferenceOptions, type ReferenceServer } from '../../../reference/index.ts';
import { FEATURES } from '../../../spec/features.ts';
import { parseProfile } from '../../harness/config.ts';
import type { ScenarioTarget } from '../run-scenario.ts';
import { capabilities, type Capabilities } from '../scenarios/capabilities.ts';

export const PROPERTY_REFERENCE_OPTIONS = Object.freeze({
  heartbeatSec: 2,
  resumeWindowSec: 1,
  subscribePolicy: 'any' as const,
  backPressureLag: 32,
});

export interface ReferenceTarget {
  readonly server: ReferenceServer;
  readonly target: ScenarioTarget;
  readonly capabilities: Capabilities;
  /** resume_window_sec in ms (the leak probe waits it out). */
  readonly resumeWindowMs: number;
  stop(): Promise<void>;
}

export async function startReferenceTarget(defects: readonly DefectName[] = [], overrides: ReferenceOptions = {}): Promise<ReferenceTarget> {
  const options = { ...PROPERTY_REFERENCE_OPTIONS, ...overrides, defects };
  const server = await startReference(options);
  const [primary, secondary] = Object.keys(DEFAULT_TOKENS);
  if (primary === undefined || secondary === undefined) throw new Error('the reference needs two default tokens');
  const profile = parseProfile({ subscribePolicy: options.subscribePolicy });
  return {
    server,
    target: { url: server.url, tokens: { primary, secondary }, profile, timeoutMs: 5000 },
    capabilities: capabilities(FEATURES, true, options.subscribePolicy),
    resumeWindowMs: options.resumeWindowSec * 1000,
    stop: () => server.stop(),
  };
}
