import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../../spec/features.ts';
import { ConfigError, DEFAULT_PROFILE, DEFAULT_TIMEOUT_MS, loadTargetConfig, MAX_WAIT_SCALE, parseProfile, timerWaitMs, waitScaleFor } from './config.ts';

const TOKEN = 'tok-primary-secret-123';
const TOKEN_2 = 'tok-secondary-secret-456';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function profileFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'arcp-profile-'));
  tempDirs.push(dir);
  const path = join(dir, 'profile.json');
  writeFileSync(path, content);
  return path;
}

describe('profile', () => {
  it('defaults to the DESIGN §5 forms, the spec\'s default policies, every feature, and the kit as client', () => {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
    expect(DEFAULT_PROFILE).toEqual({
      resumeForm: 'hello-resume',
      closeForm: 'session.close',
      agent: 'conformance',
      subscribePolicy: 'same-principal',
      listPolicy: 'own',
      features: [...FEATURES],
      client: { name: 'arcp-conformance', version },
    });
  });

  it('keeps given fields and fills the rest', () => {
    const profile = parseProfile({ resumeForm: 'session-resume', closeForm: 'session.bye', features: ['ack'], subprotocol: 'arcp.v1' });
    expect(profile.resumeForm).toBe('session-resume');
    expect(profile.closeForm).toBe('session.bye');
    expect(profile.features).toEqual(['ack']);
    expect(profile.subprotocol).toBe('arcp.v1');
    expect(profile.agent).toBe('conformance');
  });

  it('lists every bad field in one error', () => {
    const error = errorOf(() => parseProfile({ resumeForm: 'telepathy', features: ['ack', ''], colour: 'red' }));
    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/resumeForm: .*hello-resume/);
    expect(error.message).toMatch(/features\.1: /);
    expect(error.message).toMatch(/colour/);
  });

  it('rejects a profile that is not an object', () => {
    expect(() => parseProfile('hello-flat')).toThrow(ConfigError);
  });
});

describe('loadTargetConfig', () => {
  it('reads every variable', () => {
    const path = profileFile(JSON.stringify({ resumeForm: 'hello-flat' }));
    const config = loadTargetConfig({
      ARCP_URL: 'ws://127.0.0.1:9000/arcp',
      ARCP_TOKEN: TOKEN,
      ARCP_TOKEN_2: TOKEN_2,
      ARCP_PROFILE: path,
      ARCP_TIMEOUT_MS: '750',
      ARCP_ALLOW_UNTESTABLE: 'yes',
      ARCP_SEED: '-42',
      ARCP_RUNS: '200',
    });
    expect(config.url).toBe('ws://127.0.0.1:9000/arcp');
    expect(config.tokens.primary).toBe(TOKEN);
    expect(config.tokens.secondary).toBe(TOKEN_2);
    expect(config.profile.resumeForm).toBe('hello-flat');
    expect(config.timeoutMs).toBe(750);
    expect(config.allowUntestable).toBe(true);
    expect(config.seed).toBe(-42);
    expect(config.runs).toBe(200);
  });

  it('stretches every wait bound by the scale the preflight measured, within bounds', () => {
    const base = { ARCP_URL: 'ws://127.0.0.1:9000/arcp', ARCP_TOKEN: TOKEN, ARCP_TIMEOUT_MS: '750' };
    expect(loadTargetConfig({ ...base, ARCP_WAIT_SCALE: '3' })).toMatchObject({ timeoutMs: 2250, waitScale: 3, configuredTimeoutMs: 750 });
    expect(loadTargetConfig(base).timeoutMs).toBe(750);
    expect(() => loadTargetConfig({ ...base, ARCP_WAIT_SCALE: '0' })).toThrow(/ARCP_WAIT_SCALE/);
    expect([0, 200, 251, 600, 60_000, Number.NaN].map(waitScaleFor)).toEqual([1, 1, 2, 3, MAX_WAIT_SCALE, 1]);
    // Whether a timer fits --max-wait is counted with the configured bound: it does not move with the scale.
    expect(timerWaitMs(loadTargetConfig({ ...base, ARCP_WAIT_SCALE: '4' }), 10_000)).toBe(10_750);
  });

  it('applies defaults for optional variables', () => {
    const config = loadTargetConfig({ ARCP_URL: 'wss://example.test/arcp', ARCP_TOKEN: TOKEN });
    expect(config.profile).toBe(DEFAULT_PROFILE);
    expect(config.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(config.allowUntestable).toBe(false);
    expect(config.seed).toBeUndefined();
    expect(config.runs).toBeUndefined();
    expect(config.tokens.secondary).toBeUndefined();
  });

  it('reports every missing or invalid variable at once', () => {
    const error = errorOf(() =>
      loadTargetConfig({ ARCP_TIMEOUT_MS: '0', ARCP_ALLOW_UNTESTABLE: 'maybe', ARCP_SEED: '1.5', ARCP_RUNS: 'many' }),
    );
    expect(error.problems.map((p) => p.split(/[ =:]/)[0])).toEqual([
      'ARCP_URL',
      'ARCP_TOKEN',
      'ARCP_TIMEOUT_MS',
      'ARCP_ALLOW_UNTESTABLE',
      'ARCP_SEED',
      'ARCP_RUNS',
    ]);
  });

  it('rejects non-WebSocket URLs', () => {
    expect(errorOf(() => loadTargetConfig({ ARCP_URL: 'http://x/', ARCP_TOKEN: TOKEN })).message).toMatch(/ws:\/\/ or wss:\/\//);
    expect(errorOf(() => loadTargetConfig({ ARCP_URL: 'not a url', ARCP_TOKEN: TOKEN })).message).toMatch(/not a valid URL/);
  });

  it('never echoes a token, and hides tokens from JSON and inspect', () => {
    const error = errorOf(() => loadTargetConfig({ ARCP_URL: 'ws://h/', ARCP_TOKEN: TOKEN, ARCP_TOKEN_2: TOKEN }));
    expect(error.message).toMatch(/ARCP_TOKEN_2 must be a different principal/);
    expect(error.message).not.toContain(TOKEN);
    const config = loadTargetConfig({ ARCP_URL: 'ws://h/', ARCP_TOKEN: TOKEN, ARCP_TOKEN_2: TOKEN_2 });
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 })]) {
      expect(shown).not.toContain(TOKEN);
      expect(shown).not.toContain(TOKEN_2);
      expect(shown).toContain('[redacted]');
    }
  });

  it('reports unreadable, malformed and invalid profile files with their path', () => {
    const missing = join(tmpdir(), 'arcp-no-such-dir', 'profile.json');
    expect(errorOf(() => loadTargetConfig({ ARCP_URL: 'ws://h/', ARCP_TOKEN: TOKEN, ARCP_PROFILE: missing })).message).toContain(
      `ARCP_PROFILE=${missing}: cannot read the file (ENOENT)`,
    );
    const malformed = profileFile('{ nope');
    expect(errorOf(() => loadTargetConfig({ ARCP_URL: 'ws://h/', ARCP_TOKEN: TOKEN, ARCP_PROFILE: malformed })).message).toContain(
      'not valid JSON',
    );
    const invalid = profileFile(JSON.stringify({ closeForm: 'goodbye' }));
    expect(errorOf(() => loadTargetConfig({ ARCP_URL: 'ws://h/', ARCP_TOKEN: TOKEN, ARCP_PROFILE: invalid })).message).toMatch(
      /closeForm: /,
    );
  });
});
