// Makes fixtures/audit/<defect>.json for every audit report, with the property machinery
// itself: start the reference with the defect that re-creates the report's bug, run the
// report's property until a history breaks, shrink it, replay it 5 times, save it.
//
//   npx tsx suites/regressions/make-audit-fixtures.ts [--only seq-race,...] [--seed N]
import { parseArgs } from 'node:util';
import { AUDIT_FIXTURES_DIR } from '../properties/fixtures.ts';
import { PROPERTIES } from '../properties/properties.ts';
import { runProperty } from '../properties/property-runner.ts';
import { LEAK_RESUME_WINDOW_SEC, referenceLeakProbe } from '../properties/testing/reference-leak-probe.ts';
import { startReferenceTarget } from '../properties/testing/reference-target.ts';
import { AUDIT_SEEDS, auditFixtureName } from './audit-seeds.ts';

const { values } = parseArgs({ options: { only: { type: 'string', default: '' }, seed: { type: 'string', default: '1' } } });
const only = values.only.split(',').filter(Boolean);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error('--seed must be an integer');
  process.exit(2);
}

let failed = false;
for (const audit of AUDIT_SEEDS.filter((a) => only.length === 0 || only.includes(a.defect))) {
  const ref = await startReferenceTarget([audit.defect], audit.needsProbe ? { resumeWindowSec: LEAK_RESUME_WINDOW_SEC } : {});
  try {
    const outcome = await runProperty(PROPERTIES[audit.property], ref.target, {
      runs: 300,
      seed,
      capabilities: ref.capabilities,
      shrinkMs: 60_000,
      confirmRuns: audit.confirmRuns,
      replays: 5,
      ...(audit.needsProbe ? { probe: referenceLeakProbe(ref.server, ref.resumeWindowMs) } : {}),
      fixturesDir: AUDIT_FIXTURES_DIR,
      fixtureName: auditFixtureName(audit),
      defect: audit.defect,
      report: audit.report,
    });
    const f = outcome.failure;
    if (f === undefined) {
      failed = true;
      console.error(`${audit.defect}: no failure in ${outcome.runs} runs of ${audit.property} (seed ${seed}); no fixture written`);
      continue;
    }
    const ids = [...new Set(f.violations.map((v) => v.requirement))].join(', ');
    console.log(
      `${audit.defect}: ${f.fixturePath} (${ids}; first failure after ${f.runsToFailure} runs, ${f.shrinks} shrinks, reproduced ${f.reproduced?.hits}/${f.reproduced?.runs})`,
    );
  } finally {
    await ref.stop();
  }
}
process.exit(failed ? 1 : 0);
