// `--only` / `--skip` take requirement ids (`SEQ-001`), areas (`SEQ`) and suite names
// (`session`, `properties`, or a path like `suites/session`). UPPERCASE selects ids and
// areas, which reach the suites as ARCP_ONLY / ARCP_SKIP; anything else selects suite
// files, which the CLI filters before vitest runs them.
import { basename, dirname } from 'node:path';
import type { CollectedTest } from '../reporters/record.ts';
import { isSelected } from '../suites/verdicts/selection.ts';
import { UsageError } from './errors.ts';

const ID = /^[A-Z][A-Z0-9]*-\d+$/;
const AREA = /^[A-Z][A-Z0-9]*$/;

export interface Selectors {
  /** Requirement ids and areas, for ARCP_ONLY / ARCP_SKIP. */
  readonly requirements: readonly string[];
  /** Suite names or paths, matched against suite files. */
  readonly suites: readonly string[];
}

export interface CatalogueNames {
  readonly ids: ReadonlySet<string>;
  readonly areas: ReadonlySet<string>;
}

/** Splits comma lists and sorts each selector into requirements or suites. */
export function classifySelectors(values: readonly string[], catalogue: CatalogueNames, flag: string): Selectors {
  const requirements: string[] = [];
  const suites: string[] = [];
  for (const token of values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean)) {
    if (ID.test(token)) {
      if (!catalogue.ids.has(token)) throw new UsageError(`${flag}: unknown requirement id ${token} (arcp-conformance list shows them)`);
      requirements.push(token);
    } else if (AREA.test(token)) {
      if (!catalogue.areas.has(token)) {
        throw new UsageError(`${flag}: unknown area ${token} (areas: ${[...catalogue.areas].join(', ')})`);
      }
      requirements.push(token);
    } else {
      suites.push(token);
    }
  }
  return { requirements, suites };
}

/** The names a suite file answers to: its directories and its base name without `.suite.ts`. */
export function suiteNames(relativePath: string): string[] {
  const dirs = dirname(relativePath).split('/').filter((s) => s !== '.' && s !== '');
  return [...dirs, basename(relativePath).replace(/\.suite\.ts$/, '')];
}

function fileMatches(relativePath: string, selector: string): boolean {
  if (selector.includes('/')) {
    const prefix = selector.replace(/\/+$/, '');
    return relativePath === prefix || relativePath.startsWith(`${prefix}/`);
  }
  return suiteNames(relativePath).includes(selector);
}

/**
 * The suite files to run. Every suite selector must match at least one file, so a typo is
 * an error instead of a silently empty run.
 */
export function selectSuiteFiles(
  files: readonly string[],
  only: readonly string[],
  skip: readonly string[],
): string[] {
  for (const [flag, selectors] of [['--only', only], ['--skip', skip]] as const) {
    for (const selector of selectors) {
      if (!files.some((f) => fileMatches(f, selector))) {
        const known = [...new Set(files.flatMap(suiteNames))].sort();
        throw new UsageError(
          `${flag}: no suite named "${selector}"${known.length > 0 ? ` (suites: ${known.join(', ')})` : ' (no suite files found)'}`,
        );
      }
    }
  }
  return files.filter(
    (f) => (only.length === 0 || only.some((s) => fileMatches(f, s))) && !skip.some((s) => fileMatches(f, s)),
  );
}

const LABEL_IDS = /\[([A-Z][A-Z0-9]*-\d+(?:, [A-Z][A-Z0-9]*-\d+)*)\]$/;

/** The ids a test declares: its meta once it ran, else the `[ids]` label of its name. */
export function declaredRequirements(meta: { arcp?: { requirements?: readonly string[] } }, name: string): string[] {
  const fromMeta = meta.arcp?.requirements;
  if (fromMeta !== undefined && fromMeta.length > 0) return [...fromMeta];
  const match = LABEL_IDS.exec(name);
  return match?.[1] === undefined ? [] : match[1].split(', ');
}

/** Whether `--only` / `--skip` named suites, so that only some suite files ran. */
export function selectsSuites(settings: { readonly onlySuites: readonly string[]; readonly skipSuites: readonly string[] }): boolean {
  return settings.onlySuites.length > 0 || settings.skipSuites.length > 0;
}

/**
 * The requirement ids a run answers for, so that "got no verdict" means something: those its
 * --only/--skip ids and areas pick and, when its suite files were narrowed (a suite
 * selection, --suites, a shard), only those the tests of these files declare.
 */
export function runScope(
  selection: { readonly only: readonly string[]; readonly skip: readonly string[] },
  narrowedTo?: readonly CollectedTest[],
): (id: string) => boolean {
  const declared =
    narrowedTo === undefined ? undefined : new Set(narrowedTo.flatMap((t) => declaredRequirements(t.meta === undefined ? {} : { arcp: t.meta }, t.title)));
  return (id) => isSelected([id], selection) && (declared === undefined || declared.has(id));
}
