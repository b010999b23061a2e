// Which tests check which requirement, and how much of the catalogue is covered: the
// observable MUSTs with at least one test, out of all observable MUSTs, per area.
import type { Catalogue } from '../reporters/record.ts';
import { areaPrefix } from '../reporters/verdicts.ts';
import type { Requirement } from '../spec/requirement-types.ts';

export interface ListedRequirement extends Requirement {
  readonly area: string;
  /** `<file> > <title>` of each test that declares it. */
  readonly tests: readonly string[];
}

export interface AreaCoverage {
  readonly area: string;
  readonly title: string;
  readonly requirements: number;
  readonly observableMusts: number;
  readonly coveredObservableMusts: number;
  /** Requirements of any level with at least one test. */
  readonly covered: number;
}

export interface Listing {
  readonly catalogueVersion: string;
  readonly requirements: readonly ListedRequirement[];
  readonly areas: readonly AreaCoverage[];
  readonly total: Omit<AreaCoverage, 'area' | 'title'>;
  /** Ids tests declare that the catalogue does not know. */
  readonly unknownIds: readonly string[];
  readonly tests: number;
}

export interface ListedTest {
  readonly file: string;
  readonly title: string;
  readonly requirements: readonly string[];
}

function isObservableMust(r: Requirement): boolean {
  return r.level === 'MUST' && r.observable;
}

export function buildListing(catalogue: Catalogue, tests: readonly ListedTest[]): Listing {
  const testsById = new Map<string, string[]>();
  for (const test of tests) {
    for (const id of new Set(test.requirements)) {
      testsById.set(id, [...(testsById.get(id) ?? []), `${test.file} > ${test.title}`]);
    }
  }
  const known = new Set(catalogue.requirements.map((r) => r.id));
  const requirements = catalogue.requirements.map((r) => ({ ...r, area: areaPrefix(r.id), tests: testsById.get(r.id) ?? [] }));
  const areas = Object.entries(catalogue.areas).map(([area, title]): AreaCoverage => {
    const inArea = requirements.filter((r) => r.area === area);
    const musts = inArea.filter(isObservableMust);
    return {
      area,
      title,
      requirements: inArea.length,
      observableMusts: musts.length,
      coveredObservableMusts: musts.filter((r) => r.tests.length > 0).length,
      covered: inArea.filter((r) => r.tests.length > 0).length,
    };
  });
  const sum = (key: keyof Omit<AreaCoverage, 'area' | 'title'>): number => areas.reduce((n, a) => n + a[key], 0);
  return {
    catalogueVersion: catalogue.version,
    requirements,
    areas,
    total: {
      requirements: sum('requirements'),
      observableMusts: sum('observableMusts'),
      coveredObservableMusts: sum('coveredObservableMusts'),
      covered: sum('covered'),
    },
    unknownIds: [...testsById.keys()].filter((id) => !known.has(id)).sort(),
    tests: tests.length,
  };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '  -  ' : `${((100 * part) / whole).toFixed(0).padStart(3)}%`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The widest line `list` prints: it reads on a 100-column terminal. */
export const LISTING_WIDTH = 100;
/** Where a requirement's text and quotes start, under its row. */
const DETAIL_INDENT = 11;

/** `text` broken at spaces into lines of at most `width` characters (a longer word stands alone). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** What the kit checks, in its words, then each sentence of the drafts it rests on. */
function requirementDetail(r: Requirement): string[] {
  const indent = ' '.repeat(DETAIL_INDENT);
  const width = LISTING_WIDTH - DETAIL_INDENT;
  const lines = wrapWords(r.text, width).map((l) => indent + l);
  for (const q of r.quotes) {
    // Quotes read like quoted mail: `> ` on the first line, continuation lines aligned under it.
    const [first = '', ...rest] = wrapWords(`${q.section}: "${q.quote}"`, width - 2);
    lines.push(`${indent}> ${first}`, ...rest.map((l) => `${indent}  ${l}`));
  }
  return lines;
}

/** The listing as terminal lines: one row per requirement with its text and quotes, then coverage per area. */
export function listingLines(listing: Listing): string[] {
  const lines = [`Requirement catalogue ${listing.catalogueVersion}: ${listing.requirements.length} requirements, ${listing.tests} tests`, ''];
  lines.push(`${pad('ID', 11)}${pad('LEVEL', 8)}${pad('SECTION', 14)}${pad('OBSERVABLE', 12)}TESTS`);
  lines.push(`${' '.repeat(DETAIL_INDENT)}the requirement in the kit's words`, `${' '.repeat(DETAIL_INDENT)}> the sentences of the drafts it rests on`);
  for (const r of listing.requirements) {
    lines.push(`${pad(r.id, 11)}${pad(r.level, 8)}${pad(r.section, 14)}${pad(r.observable ? (r.needsAgent ? 'yes (agent)' : 'yes') : 'no', 12)}${r.tests.length}`);
    lines.push(...requirementDetail(r));
  }
  lines.push('', 'Coverage of observable MUSTs (requirements with at least one test):');
  lines.push(`${pad('AREA', 8)}${pad('TITLE', 42)}${pad('COVERED', 10)}`);
  for (const a of listing.areas) {
    if (a.requirements === 0) continue;
    lines.push(`${pad(a.area, 8)}${pad(a.title, 42)}${pad(`${a.coveredObservableMusts}/${a.observableMusts}`, 10)}${percent(a.coveredObservableMusts, a.observableMusts)}`);
  }
  const t = listing.total;
  lines.push(`${pad('TOTAL', 50)}${pad(`${t.coveredObservableMusts}/${t.observableMusts}`, 10)}${percent(t.coveredObservableMusts, t.observableMusts)}`);
  lines.push(`All levels: ${t.covered}/${t.requirements} requirements have a test.`);
  if (listing.unknownIds.length > 0) lines.push('', `Tests cite ids the catalogue does not know: ${listing.unknownIds.join(', ')}`);
  return lines;
}
