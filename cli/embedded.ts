// The embedded target: with no --url the kit starts its own reference runtime on a free
// loopback port, so one command shows the whole kit working (DESIGN §1). The runtime's
// options (short heartbeat and resume window, so timer checks finish in seconds) and the
// profile that agrees with them come from suites/embedded-target.ts, shared with direct
// vitest runs of the suites.
import { DEFECT_NAMES, type DefectName, isDefectName, VARIANT_NAMES, type VariantName, isVariantName } from '../reference/index.ts';
import { startEmbeddedTarget } from '../suites/embedded-target.ts';
import { UsageError } from './errors.ts';

export interface EmbeddedTarget {
  readonly url: string;
  readonly tokens: { readonly primary: string; readonly secondary: string };
  /** A profile file written for this runtime. */
  readonly profilePath: string;
  stop(): Promise<void>;
}

export function checkDefects(names: readonly string[]): DefectName[] {
  for (const name of names) {
    if (!isDefectName(name)) throw new UsageError(`--defect: unknown defect "${name}" (known: ${DEFECT_NAMES.join(', ')})`);
  }
  return names as DefectName[];
}

export function checkVariants(names: readonly string[]): VariantName[] {
  for (const name of names) {
    if (!isVariantName(name)) throw new UsageError(`--variant: unknown variant "${name}" (known: ${VARIANT_NAMES.join(', ')})`);
  }
  return names as VariantName[];
}

/** Starts the reference runtime on 127.0.0.1 with a free port, with its own two tokens. */
export async function startEmbedded(defects: readonly DefectName[], variants: readonly VariantName[] = []): Promise<EmbeddedTarget> {
  const target = await startEmbeddedTarget(defects, variants);
  const { ARCP_TOKEN: primary, ARCP_TOKEN_2: secondary, ARCP_PROFILE: profilePath } = target.env;
  if (!primary || !secondary || !profilePath) {
    await target.stop();
    throw new Error('the embedded target did not provide two tokens and a profile');
  }
  return { url: target.url, tokens: { primary, secondary }, profilePath, stop: () => target.stop() };
}
