// For running the suites directly with vitest during kit development:
//   npx vitest run --config suites/vitest.config.ts [files]
// With no ARCP_URL it starts the embedded reference runtime (ARCP_DEFECTS=a,b switches
// defects on, ARCP_VARIANTS=c,d legal variants); workers inherit the environment set here.
import type { DefectName } from '../reference/defects.ts';
import type { VariantName } from '../reference/variants.ts';
import { startEmbeddedTarget } from './embedded-target.ts';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.ARCP_URL) return undefined;
  const defects = (process.env.ARCP_DEFECTS ?? '').split(',').filter(Boolean) as DefectName[];
  const variants = (process.env.ARCP_VARIANTS ?? '').split(',').filter(Boolean) as VariantName[];
  const target = await startEmbeddedTarget(defects, variants);
  Object.assign(process.env, target.env);
  return () => target.stop();
}
