// The engine behind `arcp-conformance replay FIXTURE` (cli/replay.ts loads this module and
// uses `replayEngine`): runs a saved scenario once against the target and judges it with the
// checkers of the property that produced it.
import type { ReplayEngine, ReplayResult, ReplayTarget } from '../../cli/replay.ts';
import { PROPERTIES, checkersFor } from './properties.ts';
import { runScenario } from './run-scenario.ts';
import { replayLeak } from '../leak/leak-replay.ts';
import { parseScenario } from './scenario.ts';

/** Requirements no wire transcript can show; their fixtures need a server-side probe. */
export const PROBE_ONLY_REQUIREMENTS: readonly string[] = ['LEAK-001'];

export function needsServerProbe(violated: readonly string[]): boolean {
  return violated.length > 0 && violated.every((id) => PROBE_ONLY_REQUIREMENTS.includes(id));
}

export const replayEngine: ReplayEngine = {
  async replay(fixture: { readonly scenario?: unknown; readonly violated: readonly string[] }, target: ReplayTarget): Promise<ReplayResult> {
    const parsed = parseScenario(fixture.scenario);
    if (!parsed.ok) throw new Error(`the fixture's scenario is not a property scenario this kit can run: ${parsed.problems.join('; ')}`);
    if (needsServerProbe(fixture.violated)) return replayLeak(target);
    const property = PROPERTIES[parsed.scenario.property];
    const run = await runScenario(parsed.scenario, { url: target.url, tokens: target.tokens, profile: target.profile, timeoutMs: target.timeoutMs }, { checkers: checkersFor(property, target.profile) });
    const { unexercised } = run.exploration;
    return { violations: run.violations, transcript: run.transcript, ...(unexercised === undefined ? {} : { unexercised }) };
  },
};
