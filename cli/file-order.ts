// The order in which vitest starts the suite files. The property campaigns go first: they are
// the longest files and keep a core busy from start to end, while the example suites mostly
// wait on server timers (heartbeats, resume windows, held jobs). vitest's default order puts
// larger files first, so the campaigns (a few lines each) started last and ended the run
// alone, with nothing left to fill the other worker; started first, the example files run
// beside them and fill the waits.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { KIT_ROOT } from './paths.ts';

/** Where the property campaigns live, relative to the kit root. */
export const PROPERTY_SUITES_DIR = 'suites/properties/';

export function isPropertyCampaign(file: string): boolean {
  return relative(KIT_ROOT, file).split('\\').join('/').startsWith(PROPERTY_SUITES_DIR);
}

/** `files` with the property campaigns moved to the front, each group in its given order. */
export function campaignsFirst<T>(files: readonly T[], path: (file: T) => string): T[] {
  return [...files.filter((f) => isPropertyCampaign(path(f))), ...files.filter((f) => !isPropertyCampaign(path(f)))];
}

/** vitest's order (larger files first), with the property campaigns moved to the front. */
export class CampaignsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return campaignsFirst(await super.sort(files), (f) => f.moduleId);
  }
}
