// Does a server's memory keep growing, or only wander? Pure judgement over RSS samples, so it
// can be proved on synthetic traces. A process's RSS is noisy: V8 grows its heap in steps of
// a few MB, a loaded machine delays the sampler. A leak is different in kind: it grows by the
// same amount in every stretch of time, however long. So the noise is measured (how far RSS
// strays from its own trend while only open subscribers run), its share of a slope shrinks
// as the measurement gets longer, and growth counts as a leak only when it is sustained.
import { type RssSample, slopeKbPerSec } from './rss.ts';

export interface GrowthLimits {
  /** Slope allowed above the control slope whatever the noise, in KB/s. */
  readonly toleranceKbPerSec: number;
  /** A leak is only called after at least this long a measurement (ms): growth must be sustained. */
  readonly minFailMs: number;
}

export type GrowthDecision =
  /** The slope is within what the measured noise allows. */
  | 'pass'
  /** Both halves of a long enough measurement grow beyond the noise. */
  | 'fail'
  /** Neither yet: measure longer. */
  | 'undecided';

export interface GrowthJudgement {
  readonly decision: GrowthDecision;
  readonly controlSlopeKbPerSec: number;
  /** How far RSS strayed from its trend in the control phase (max - min residual), in KB. */
  readonly noiseKb: number;
  readonly measuredSlopeKbPerSec: number;
  /** The slopes of the first and second half of the measurement. */
  readonly halvesKbPerSec: readonly [number, number];
  /** The slope allowed over this measurement: control + tolerance + noise spread over its length. */
  readonly allowedKbPerSec: number;
  readonly measuredMs: number;
}

/** max - min of the samples' distances from their least-squares line, in KB. */
export function residualRangeKb(samples: readonly RssSample[]): number {
  if (samples.length < 2) return 0;
  const slopePerMs = slopeKbPerSec(samples) / 1000;
  const meanT = samples.reduce((n, s) => n + s.tMs, 0) / samples.length;
  const meanR = samples.reduce((n, s) => n + s.rssKb, 0) / samples.length;
  const residuals = samples.map((s) => s.rssKb - (meanR + slopePerMs * (s.tMs - meanT)));
  return Math.max(...residuals) - Math.min(...residuals);
}

function span(samples: readonly RssSample[]): number {
  return samples.length < 2 ? 0 : (samples.at(-1) as RssSample).tMs - (samples[0] as RssSample).tMs;
}

/**
 * Judges the samples measured after the resume window against the control phase. Memory that
 * only wanders by the control phase's noise can raise a slope over T seconds by at most
 * noise / T; the allowance shrinks as T grows, while a leak's slope does not.
 */
export function judgeGrowth(control: readonly RssSample[], measured: readonly RssSample[], limits: GrowthLimits): GrowthJudgement {
  const controlSlope = slopeKbPerSec(control);
  const noiseKb = residualRangeKb(control);
  const base = Math.max(0, controlSlope) + limits.toleranceKbPerSec;
  const measuredMs = span(measured);
  const allowed = (ms: number) => base + (ms > 0 ? noiseKb / (ms / 1000) : Infinity);
  const slope = slopeKbPerSec(measured);
  const middle = (measured[0]?.tMs ?? 0) + measuredMs / 2;
  const halves: [number, number] = [
    slopeKbPerSec(measured.filter((s) => s.tMs <= middle)),
    slopeKbPerSec(measured.filter((s) => s.tMs >= middle)),
  ];
  const allowedKbPerSec = allowed(measuredMs);
  let decision: GrowthDecision = 'undecided';
  if (slope <= allowedKbPerSec) decision = 'pass';
  else if (measuredMs >= limits.minFailMs && halves.every((h) => h > allowed(measuredMs / 2))) decision = 'fail';
  return {
    decision,
    controlSlopeKbPerSec: controlSlope,
    noiseKb,
    measuredSlopeKbPerSec: slope,
    halvesKbPerSec: halves,
    allowedKbPerSec,
    measuredMs,
  };
}
