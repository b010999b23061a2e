// LEAK-001 proved on the reference runtime, each in its own process so its RSS is its own:
// with the subscription-leak defect the check fails, without it the check passes. Both run
// at once to keep the test short (about 15 s; a run is ~12 s of phases).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LeakCheckError, runLeakCheck, type LeakCheckResult } from './leak-check.ts';
import { RssSampler, RssUnavailableError, sampleRss, slopeKbPerSec } from './rss.ts';
import { LaunchError, type LaunchedServer, launchServer } from './server-process.ts';

const KIT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const RESUME_WINDOW_SEC = 2;
const launched: LaunchedServer[] = [];

afterAll(async () => {
  await Promise.all(launched.map((s) => s.stop()));
});

async function reference(defect?: string): Promise<LaunchedServer> {
  const cmd = `node --import tsx reference/serve-main.ts --port 0 --resume-window-sec ${RESUME_WINDOW_SEC}${defect ? ` --defect ${defect}` : ''}`;
  const server = await launchServer(cmd, { timeoutMs: 20_000, cwd: KIT_ROOT });
  launched.push(server);
  return server;
}

async function check(server: LaunchedServer): Promise<LeakCheckResult> {
  return runLeakCheck({ url: server.url, token: 'tok-alice', pid: server.pid, resumeWindowSec: RESUME_WINDOW_SEC, timeoutMs: 10_000 });
}

describe('RSS sampling', () => {
  it('reads this process’s VmRSS in KB and fits a least-squares slope in KB/s', () => {
    const rss = sampleRss(process.pid);
    expect(rss).toBeGreaterThan(1024);
    expect(slopeKbPerSec([{ tMs: 0, rssKb: 100 }, { tMs: 1000, rssKb: 300 }, { tMs: 2000, rssKb: 500 }])).toBeCloseTo(200);
    expect(slopeKbPerSec([{ tMs: 0, rssKb: 100 }, { tMs: 500, rssKb: 90 }, { tMs: 1000, rssKb: 100 }])).toBeCloseTo(0);
    expect(slopeKbPerSec([{ tMs: 5, rssKb: 100 }])).toBe(0);
  });

  it('says clearly when the process is gone', () => {
    expect(() => sampleRss(2 ** 22 + 12345)).toThrow(RssUnavailableError);
    expect(() => sampleRss(2 ** 22 + 12345)).toThrow(/is gone/);
    expect(() => new RssSampler(-1)).toThrow(/not a process id/);
  });
});

describe('launchServer', () => {
  it('fails clearly when the command prints no URL, exits first, or prints something else', async () => {
    await expect(launchServer('echo starting >&2; sleep 5', { timeoutMs: 300, stopGraceMs: 500 })).rejects.toThrow(
      /no URL line on stdout within 300 ms; its stderr ends with: starting/,
    );
    await expect(launchServer('exit 3', { timeoutMs: 2000 })).rejects.toThrow(/exited \(code 3\) before printing its URL/);
    await expect(launchServer('echo http://127.0.0.1:1/', { timeoutMs: 2000 })).rejects.toThrow(LaunchError);
  });
});

describe('the leak check (LEAK-001) on the reference runtime', () => {
  it('fails the subscription-leak defect and passes the clean runtime, with the measured slopes', async () => {
    const [leaky, clean] = await Promise.all([reference('subscription-leak'), reference()]);
    // The pid is the node process that listens, not the shell that started it.
    expect(leaky.pid).not.toBe(leaky.shellPid);
    const [withDefect, withoutDefect] = await Promise.all([check(leaky), check(clean)]);
    console.log(`LEAK-001 with the defect: ${withDefect.summary}\nLEAK-001 without it: ${withoutDefect.summary}`);
    expect(withDefect.verdict, withDefect.summary).toBe('fail');
    expect(withoutDefect.verdict, withoutDefect.summary).toBe('pass');
    expect(withDefect.leakSlopeKbPerSec).toBeGreaterThan(withDefect.allowedKbPerSec);
    expect(withDefect.samples.length).toBeGreaterThan(50);
    await Promise.all([leaky.stop(), clean.stop()]);
    expect(() => sampleRss(clean.pid)).toThrow(/is gone/);
  }, 90_000);

  it('refuses a resume window that is not a number of seconds', async () => {
    await expect(runLeakCheck({ url: 'ws://127.0.0.1:1/arcp', token: 't', pid: process.pid, resumeWindowSec: Number.NaN })).rejects.toThrow(
      LeakCheckError,
    );
  });
});
