import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTokenFile, resolveTokens } from './tokens.ts';

describe('parseTokenFile', () => {
  it('reads JSON', () => {
    expect(parseTokenFile('{"ARCP_TOKEN": "one", "ARCP_TOKEN_2": "two"}', 'f')).toEqual({ primary: 'one', secondary: 'two' });
  });

  it('reads KEY=VALUE lines with comments, export and quotes', () => {
    const text = '# tokens for CI\nexport ARCP_TOKEN="one=1"\n\nARCP_TOKEN_2 = \'two\'\n';
    expect(parseTokenFile(text, 'f')).toEqual({ primary: 'one=1', secondary: 'two' });
  });

  it.each([
    ['{"TOKEN": "secret-value"}', 'f: unknown key "TOKEN" (expected ARCP_TOKEN or ARCP_TOKEN_2)'],
    ['{"ARCP_TOKEN": 5}', 'f: ARCP_TOKEN must be a non-empty string'],
    ['{"ARCP_TOKEN": "x"', 'f: not valid JSON (expected {"ARCP_TOKEN": "..."} or KEY=VALUE lines)'],
    ['ARCP_TOKEN=ok\nsecret-value', 'f:2: expected KEY=VALUE'],
    ['ARCP_TOKN=secret-value', 'f:1: unknown key "ARCP_TOKN" (expected ARCP_TOKEN or ARCP_TOKEN_2)'],
  ])('rejects %j naming the place, never the value', (text, message) => {
    expect(() => parseTokenFile(text, 'f')).toThrow(message);
  });
});

describe('resolveTokens', () => {
  it('lets the token file override the environment, key by key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-tokens-'));
    const file = join(dir, 'tokens.env');
    writeFileSync(file, 'ARCP_TOKEN=from-file\n');
    expect(resolveTokens({ ARCP_TOKEN: 'from-env', ARCP_TOKEN_2: 'env-2' }, file)).toEqual({ primary: 'from-file', secondary: 'env-2' });
    expect(resolveTokens({ ARCP_TOKEN: ' ' }, undefined)).toEqual({});
  });

  it('refuses an unreadable file and two equal principals', () => {
    expect(() => resolveTokens({}, '/nonexistent/tokens')).toThrow('cannot read --token-file /nonexistent/tokens (ENOENT)');
    expect(() => resolveTokens({ ARCP_TOKEN: 'same', ARCP_TOKEN_2: 'same' }, undefined)).toThrow(/different principal/);
  });
});
