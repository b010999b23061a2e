// `run --bail` / `--bail-on LIST`: stop the run at the first test whose verdict fails it
// (a FAIL; a WARN with --strict; an UNTESTABLE unless --allow-untestable; a baselined
// failure does not count), or with --bail-on only at one that fails on a listed requirement
// id or area. The tests still running finish or are cut short; the reports are written
// and the run is marked interrupted with the test that stopped it.
import { type Baseline, coveringEntries } from '../reporters/baseline.ts';
import { blockingIds, type CollectedTest, type RunSettings } from '../reporters/record.ts';
import { isSelected } from '../suites/verdicts/selection.ts';
import { UsageError } from './errors.ts';
import { type CatalogueNames, classifySelectors } from './selection.ts';

export interface BailRule {
  /** Requirement ids and areas a stopping failure must name; empty: any failure stops. */
  readonly on: readonly string[];
}

/** The rule of `--bail` / `--bail-on` values, or undefined when neither was given. */
export function bailRule(bail: boolean, bailOn: readonly string[], names: CatalogueNames): BailRule | undefined {
  if (!bail && bailOn.length === 0) return undefined;
  const { requirements, suites } = classifySelectors(bailOn, names, '--bail-on');
  if (suites.length > 0) {
    throw new UsageError(`--bail-on takes requirement ids (SEQ-002) and areas (SEQ), got "${suites[0]}"`, 'see: arcp-conformance run --help');
  }
  if (bailOn.length > 0 && requirements.length === 0) throw new UsageError('--bail-on needs at least one requirement id or area', 'see: arcp-conformance run --help');
  return { on: requirements };
}

/** Why the run stops at `test` under `rule`, or undefined when it goes on. */
export function bailReason(
  rule: BailRule,
  test: CollectedTest,
  settings: Pick<RunSettings, 'strict' | 'allowUntestable'>,
  baseline?: Baseline,
): string | undefined {
  const ids = blockingIds(test, settings);
  if (ids.length === 0) return undefined;
  const key = `${test.file} > ${test.title}`;
  if (baseline !== undefined && coveringEntries(baseline, { key, failingRequirements: ids }) !== undefined) return undefined;
  const named = rule.on.length === 0 ? ids : ids.filter((id) => isSelected([id], { only: rule.on, skip: [] }));
  if (named.length === 0) return undefined;
  const flag = rule.on.length === 0 ? '--bail' : `--bail-on ${rule.on.join(',')}`;
  return `stopped at the first failure (${flag}): ${named.join(', ')} in ${key}`;
}
