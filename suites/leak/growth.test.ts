// The leak judgement on synthetic RSS traces: noise, a V8-like heap step, a steady leak; and
// the chatty job's script staying under the 64 KiB a server may cap frames at.
import { describe, expect, it } from 'vitest';
import { judgeGrowth, residualRangeKb } from './growth.ts';
import { chattyScript } from './leak-check.ts';
import type { RssSample } from './rss.ts';

/** Samples every 100 ms from `fromMs` for `ms`, RSS given by `rss(t)` in KB. */
function trace(fromMs: number, ms: number, rss: (tMs: number) => number): RssSample[] {
  const samples: RssSample[] = [];
  for (let t = fromMs; t <= fromMs + ms; t += 100) samples.push({ tMs: t, rssKb: rss(t) });
  return samples;
}

/** A deterministic wobble of ±amplitude KB. */
const wobble = (amplitude: number) => (t: number) => amplitude * Math.sin(t / 170) * Math.cos(t / 410);

const LIMITS = { toleranceKbPerSec: 1024, minFailMs: 6000 };
const control = trace(0, 3000, (t) => 80_000 + wobble(400)(t));

describe('judgeGrowth', () => {
  it('measures the noise as how far RSS strays from its own trend, not the trend itself', () => {
    expect(residualRangeKb(trace(0, 3000, (t) => 1000 + t))).toBeCloseTo(0);
    expect(residualRangeKb(control)).toBeGreaterThan(300);
    expect(residualRangeKb(control)).toBeLessThanOrEqual(800 + 50); // the wobble spans ±400 KB
  });

  it('passes memory that only wanders', () => {
    const j = judgeGrowth(control, trace(10_000, 4000, (t) => 80_000 + wobble(400)(t)), LIMITS);
    expect(j.decision).toBe('pass');
  });

  it('never fails a single heap step: it waits, and the step spreads out as the measurement grows', () => {
    const step = (t: number) => 80_000 + (t > 11_000 ? 8192 : 0) + wobble(400)(t);
    const decisions = [4000, 8000, 12_000, 16_000].map((ms) => judgeGrowth(control, trace(10_000, ms, step), LIMITS).decision);
    expect(decisions).not.toContain('fail');
    expect(decisions[0]).toBe('undecided');
    expect(decisions.at(-1)).toBe('pass');
  });

  it('fails sustained growth, but only once it has lasted minFailMs', () => {
    const leak = (t: number) => 80_000 + 10 * (t - 10_000) + wobble(400)(t); // 10 MB/s
    expect(judgeGrowth(control, trace(10_000, 4000, leak), LIMITS).decision).toBe('undecided');
    const j = judgeGrowth(control, trace(10_000, 8000, leak), LIMITS);
    expect(j.decision).toBe('fail');
    expect(j.measuredSlopeKbPerSec).toBeCloseTo(10_000, -2);
    expect(j.halvesKbPerSec.every((h) => h > j.allowedKbPerSec)).toBe(true);
  });

  it('allows what the control phase grows by: a server whose memory grows with the job is not leaking', () => {
    const growing = (t: number) => 80_000 + 2 * t + wobble(400)(t); // 2 MB/s throughout
    const j = judgeGrowth(trace(0, 3000, growing), trace(10_000, 8000, growing), LIMITS);
    expect(j.decision).toBe('pass');
  });
});

describe('chattyScript', () => {
  it('keeps the job.submit frame under 64 KiB however long the job runs', () => {
    for (const durationMs of [10_000, 60_000, 550_000]) {
      const frame = JSON.stringify({ arcp: '1.1', id: '01J0000000000000000000000', type: 'job.submit', payload: { agent: 'conformance', input: chattyScript(durationMs, 1000, 256) } });
      expect(Buffer.byteLength(frame)).toBeLessThan(48 * 1024);
    }
  });

  it('emits about the asked rate over the asked duration', () => {
    const script = chattyScript(60_000, 1000, 256);
    const emits = script.steps.filter((s) => s.op === 'emit');
    const sleeps = script.steps.filter((s) => s.op === 'sleep');
    const events = emits.reduce((n, s) => n + (s.op === 'emit' ? (s.count ?? 1) : 0), 0);
    const ms = sleeps.reduce((n, s) => n + (s.op === 'sleep' ? s.ms : 0), 0);
    expect(ms).toBeGreaterThanOrEqual(60_000);
    expect(events / (ms / 1000)).toBeCloseTo(1000, -1);
  });
});
