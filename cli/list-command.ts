// `arcp-conformance list`: the catalogue, the tests citing each requirement, coverage.
// Reads the suite map (cli/suite-map.ts), so it loads no suite; `--suites` (kit development)
// collects the named files with vitest instead (no test runs, no server).
import { booleanFlag, type FlagSpecs, listFlag, parseArgs } from './args.ts';
import { catalogue } from './catalogue.ts';
import { buildListing, listingLines } from './coverage.ts';
import { UsageError } from './errors.ts';
import { LIST_HELP } from './help.ts';
import type { Output } from './output.ts';
import { suiteGlob } from './paths.ts';
import { mappedTests, readSuiteMap, SUITE_MAP_COMMAND, unmappedSuiteFiles } from './suite-map.ts';
import type { CollectedListing } from './vitest-runner.ts';

export const LIST_FLAGS: FlagSpecs = {
  json: { kind: 'boolean' },
  suites: { kind: 'string', repeatable: true },
  debug: { kind: 'boolean' },
};

/** The listing's tests from the committed map; a suite file it does not know is a problem to fix. */
function fromSuiteMap(): Pick<CollectedListing, 'tests' | 'problems'> {
  const map = readSuiteMap();
  const problems = unmappedSuiteFiles(map).map((file) => ({
    file,
    origin: 'load-error' as const,
    message: `not in the suite map, so its tests are not listed: run ${SUITE_MAP_COMMAND}`,
  }));
  return { tests: mappedTests(map), problems };
}

export async function listCommand(argv: readonly string[], out: Output, cwd = process.cwd()): Promise<number> {
  const args = parseArgs(argv, LIST_FLAGS, 'list');
  if (booleanFlag(args, 'help')) {
    out.print(LIST_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`list takes no arguments, got "${args.positionals[0]}"`, 'see: arcp-conformance list --help');
  out.setDebug(booleanFlag(args, 'debug'));
  const suites = listFlag(args, 'suites');
  const collected: Pick<CollectedListing, 'tests' | 'problems'> =
    suites.length === 0
      ? fromSuiteMap()
      : await (await import('./vitest-runner.ts')).collectSuites(
          { include: suites.map((s) => suiteGlob(s, cwd)), onlySuites: [], skipSuites: [], explicit: true },
          (text) => out.debug(text),
        );
  const listing = buildListing(catalogue(), collected.tests);
  if (booleanFlag(args, 'json')) {
    out.print(JSON.stringify({ ...listing, problems: collected.problems }, null, 2));
  } else {
    for (const line of listingLines(listing)) out.print(line);
    for (const p of collected.problems) out.error(`${p.file}: ${p.message.split('\n')[0] ?? ''}`);
  }
  return collected.problems.length > 0 ? 1 : 0;
}
