// `npm run gen:suite-map`: collects the suites with vitest (no test runs, no server) and
// writes suites/suite-map.json, the file -> tests -> requirement ids map of cli/suite-map.ts.
// With --check it writes nothing and exits 1 when the committed map disagrees with the suites.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DEFAULT_SUITES, KIT_ROOT } from './paths.ts';
import { formatSuiteMap, readSuiteMap, SUITE_MAP_COMMAND, SUITE_MAP_FILE, suiteMapDifferences, suiteMapOf } from './suite-map.ts';
import { collectSuites } from './vitest-runner.ts';

const check = process.argv.includes('--check');
const collected = await collectSuites({ include: [DEFAULT_SUITES], onlySuites: [], skipSuites: [] });
if (collected.problems.length > 0) {
  for (const p of collected.problems) console.error(`${p.file}: ${p.message.split('\n')[0] ?? ''}`);
  console.error('suite-map: a suite file failed to load, so its tests are unknown');
  process.exit(1);
}
const map = suiteMapOf(collected.tests);
const where = relative(KIT_ROOT, SUITE_MAP_FILE);
if (check) {
  const problems = suiteMapDifferences(readSuiteMap(), map);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`${where} is out of date (${problems.length} difference${problems.length === 1 ? '' : 's'}): run ${SUITE_MAP_COMMAND}`);
    process.exit(1);
  }
  console.log(`${where} matches the suites: ${collected.files.length} files, ${collected.tests.length} tests`);
} else {
  writeFileSync(SUITE_MAP_FILE, formatSuiteMap(map), 'utf8');
  console.log(`Wrote ${where}: ${collected.files.length} files, ${collected.tests.length} tests`);
}
