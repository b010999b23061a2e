// Bearer tokens come from the environment (ARCP_TOKEN, ARCP_TOKEN_2) or a token file,
// never from argv (it shows in `ps` and shell history). A token file is JSON
// (`{"ARCP_TOKEN": "...", "ARCP_TOKEN_2": "..."}`) or KEY=VALUE lines. Error messages name
// keys and line numbers, never values.
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';

export interface TokenSet {
  readonly primary?: string;
  readonly secondary?: string;
}

const KEYS: Readonly<Record<string, keyof TokenSet>> = { ARCP_TOKEN: 'primary', ARCP_TOKEN_2: 'secondary' };

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function tokensFromEnv(env: Readonly<Record<string, string | undefined>>): TokenSet {
  const primary = nonEmpty(env.ARCP_TOKEN);
  const secondary = nonEmpty(env.ARCP_TOKEN_2);
  return { ...(primary ? { primary } : {}), ...(secondary ? { secondary } : {}) };
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}

/** Parses the text of a token file; `source` names it in errors. */
export function parseTokenFile(text: string, source: string): TokenSet {
  const result: Partial<Record<keyof TokenSet, string>> = {};
  const set = (key: string, value: unknown, where: string): void => {
    const slot = KEYS[key];
    if (slot === undefined) {
      throw new UsageError(`${source}${where}: unknown key ${JSON.stringify(key)} (expected ARCP_TOKEN or ARCP_TOKEN_2)`);
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new UsageError(`${source}${where}: ${key} must be a non-empty string`);
    }
    result[slot] = value.trim();
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new UsageError(`${source}: not valid JSON (expected {"ARCP_TOKEN": "..."} or KEY=VALUE lines)`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new UsageError(`${source}: expected a JSON object`);
    }
    for (const [key, value] of Object.entries(json)) set(key, value, '');
  } else {
    trimmed.split(/\r?\n/).forEach((line, i) => {
      const content = line.trim();
      if (content === '' || content.startsWith('#')) return;
      const statement = content.startsWith('export ') ? content.slice(7).trim() : content;
      const eq = statement.indexOf('=');
      if (eq <= 0) throw new UsageError(`${source}:${i + 1}: expected KEY=VALUE`);
      set(statement.slice(0, eq).trim(), unquote(statement.slice(eq + 1)), `:${i + 1}`);
    });
  }
  return result;
}

export function readTokenFile(path: string): TokenSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read --token-file ${path} (${code})`);
  }
  return parseTokenFile(text, `--token-file ${path}`);
}

/** Tokens for the run: the token file's keys override the environment's. */
export function resolveTokens(
  env: Readonly<Record<string, string | undefined>>,
  tokenFile: string | undefined,
): TokenSet {
  const fromEnv = tokensFromEnv(env);
  const tokens = tokenFile === undefined ? fromEnv : { ...fromEnv, ...readTokenFile(tokenFile) };
  if (tokens.primary !== undefined && tokens.primary === tokens.secondary) {
    throw new UsageError('ARCP_TOKEN_2 must belong to a different principal than ARCP_TOKEN (the values are equal)');
  }
  return tokens;
}
