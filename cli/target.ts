// The target URL: validated once, and shown everywhere only in its public form (no
// userinfo, query or fragment, where credentials like `?token=` tend to hide).
import { UsageError } from './errors.ts';

export const EMBEDDED_TARGET = 'embedded reference runtime';

/** Parses a ws:// or wss:// URL; anything else is a usage error that does not echo secrets. */
export function parseTargetUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError('--url is not a valid URL (expected ws://host:port/path or wss://...)');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new UsageError(`--url must use ws:// or wss:// (got ${url.protocol}//${url.host})`);
  }
  return url;
}

/** The URL without userinfo, query or fragment. */
export function publicUrl(url: URL | string): string {
  const copy = new URL(typeof url === 'string' ? url : url.href);
  copy.username = '';
  copy.password = '';
  copy.search = '';
  copy.hash = '';
  return copy.href;
}

/** Secrets carried in the URL itself (userinfo and query values), for the output redactor. */
export function secretsInUrl(url: URL): string[] {
  const secrets = [decodeURIComponent(url.username), decodeURIComponent(url.password)];
  for (const value of url.searchParams.values()) secrets.push(value);
  return secrets.filter((s) => s.length > 0);
}
