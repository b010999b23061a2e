// Replays every committed fixture (fixtures/audit/ first, then fixtures/seeds/) against the
// target: each is a scenario that once broke the requirements it lists. The test passes when
// none of up to REPLAYS replays breaks any requirement (concurrency failures do not recur
// every time, so one clean replay proves little). A fixture whose violation has no wire
// symptom (LEAK-001) is listed as a todo: the RSS leak check in suites/leak covers LEAK-001 under --server-cmd.
import { relative } from 'node:path';
import { it } from 'vitest';
import { openSession, requireAgent } from '../support/index.ts';
import { conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { KIT_ROOT } from '../properties/fixtures.ts';
import { scenarioTarget, witnessWindow } from '../properties/property-suite.ts';
import { needsServerProbe } from '../properties/replay-engine.ts';
import { describeScenario } from '../properties/scenario.ts';
import { committedFixtures, replayUntilViolation } from './fixture-replay.ts';

const REPLAYS = 5;

for (const loaded of committedFixtures()) {
  if (!loaded.ok) {
    it(`fixture ${relative(KIT_ROOT, loaded.file)} can be replayed`, () => {
      throw new Error(`fixture ${relative(KIT_ROOT, loaded.file)} is invalid: ${loaded.problem}`);
    });
    continue;
  }
  const fixture = loaded.fixture;
  const name = relative(KIT_ROOT, fixture.file);
  const origin = fixture.report === undefined ? '' : ` (audit ${fixture.report})`;
  if (needsServerProbe(fixture.violated)) {
    it.todo(`replaying ${name}${origin}: ${fixture.violated.join(', ')} leaves no wire symptom; LEAK-001 is judged by the RSS leak check (suites/leak, run with --server-cmd)`);
    continue;
  }
  conformanceTest(`replaying ${name}${origin} breaks none of its requirements in ${REPLAYS} replays`, { requirements: fixture.violated }, async (t: ConformanceContext) => {
    const session = await openSession(t, { label: 'capabilities principal:primary' });
    try {
      requireAgent(t, session);
    } finally {
      await session.connection.closeSocket(1000, '', 1000);
    }
    const outcome = await replayUntilViolation(fixture.scenario, scenarioTarget(t), REPLAYS);
    const found = new Set(outcome.violations.map((v) => v.requirement));
    if (found.size === 0 && outcome.exercised === 0) {
      t.untestable(`none of the ${outcome.runs} replays could carry out the scenario (${outcome.unexercised ?? 'no reason recorded'}), so it proves nothing fixed`);
    }
    if (outcome.exercised < outcome.runs) t.note(`only ${outcome.exercised} of ${outcome.runs} replays carried out the scenario (latest reason: ${outcome.unexercised ?? 'none recorded'})`);
    const run = `replay ${outcome.runs} of ${REPLAYS} (${outcome.exercised} carried out the scenario) of ${describeScenario(fixture.scenario)}`;
    for (const id of fixture.violated) {
      const violations = outcome.violations.filter((v) => v.requirement === id);
      const evidence = () => ({
        expected: `no violation of ${id} when replaying ${name}`,
        actual: `${run}: ${violations.map((v) => v.message).join(' | ')}`,
        transcript: witnessWindow(outcome.transcript, violations),
        witnesses: violations.flatMap((v) => v.witnesses),
      });
      // Judge every id the fixture lists; the catalogue's level makes a broken one FAIL or WARN.
      t.should(id, violations.length === 0, evidence);
    }
    // A test judges only the ids it declares; the suites that declare these judge them.
    const others = [...found].filter((id) => !fixture.violated.includes(id));
    for (const v of outcome.violations.filter((v) => others.includes(v.requirement))) t.note(`${run} also broke ${v.requirement}, which the fixture does not list: ${v.message}`);
  });
}
