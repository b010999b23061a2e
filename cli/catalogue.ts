// The requirement catalogue as the CLI and the reports see it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AREAS, CATALOGUE_VERSION, REQUIREMENTS } from '../spec/requirements.ts';
import type { Catalogue } from '../reporters/record.ts';
import type { CatalogueNames } from './selection.ts';
import { KIT_ROOT } from './paths.ts';

export function catalogue(): Catalogue {
  return { version: CATALOGUE_VERSION, requirements: REQUIREMENTS, areas: AREAS };
}

export function catalogueNames(): CatalogueNames {
  return { ids: new Set(REQUIREMENTS.map((r) => r.id)), areas: new Set(Object.keys(AREAS)) };
}

export function kitInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(resolve(KIT_ROOT, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  return {
    name: typeof pkg.name === 'string' ? pkg.name : 'arcp-conformance',
    version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
  };
}
