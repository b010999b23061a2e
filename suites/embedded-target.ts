// The kit's default target: the reference runtime, started in-process on a free port with
// timers short enough that heartbeat-loss and resume-window checks finish in seconds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TOKENS } from '../reference/auth.ts';
import type { DefectName } from '../reference/defects.ts';
import { CONFORMANCE_TIMERS, startReference, variantProfile, type VariantName } from '../reference/index.ts';

/** Reference options of the embedded run; the profile below must agree with them. */
export const EMBEDDED_OPTIONS = Object.freeze({
  ...CONFORMANCE_TIMERS,
  // Cross-principal checks (a foreign subscriber cannot cancel or see credentials) need it.
  subscribePolicy: 'any' as const,
});

export const EMBEDDED_PROFILE = Object.freeze({ subscribePolicy: EMBEDDED_OPTIONS.subscribePolicy });

export interface EmbeddedTarget {
  readonly url: string;
  /** Environment for the suites (loadTargetConfig reads it). Holds the reference's tokens. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** With `variants` on, the profile also declares the deployment policies they need (open-subscribe). */
export async function startEmbeddedTarget(defects: readonly DefectName[] = [], variants: readonly VariantName[] = []): Promise<EmbeddedTarget> {
  const server = await startReference({ ...EMBEDDED_OPTIONS, defects, variants });
  const [primary, secondary] = Object.keys(DEFAULT_TOKENS);
  const dir = mkdtempSync(join(tmpdir(), 'arcp-embedded-'));
  const profilePath = join(dir, 'profile.json');
  writeFileSync(profilePath, JSON.stringify({ ...EMBEDDED_PROFILE, ...variantProfile(variants) }));
  return {
    url: server.url,
    env: { ARCP_URL: server.url, ARCP_TOKEN: primary ?? '', ARCP_TOKEN_2: secondary ?? '', ARCP_PROFILE: profilePath },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
