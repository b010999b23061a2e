// Who is behind a connection. The wire never says (tokens are redacted), so the test tells
// the checkers, in either of two ways:
//
// 1. Label convention: the harness labels a connection's `open` entry with whitespace- or
//    comma-separated tokens, one of which is `principal:<name>`, e.g. `owner principal:alice`
//    or `subscriber,principal:bob`. `<name>` is any non-empty text without spaces or commas
//    (a name for the principal, never its token).
// 2. An explicit map passed to the monitor, keyed by connection id or session id; the map
//    wins over labels.
//
// Checkers that need principals (cancel authority, credential confidentiality) stay silent
// about pairs whose principals are unknown rather than guessing.

const PRINCIPAL_TOKEN = /^principal:(.+)$/;

/** The principal a connection label names, if any. */
export function principalFromLabel(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  for (const token of label.split(/[\s,]+/)) {
    const match = PRINCIPAL_TOKEN.exec(token);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** The label token that declares a principal (for harness code that builds labels). */
export function principalLabel(name: string): string {
  if (name.length === 0 || /[\s,]/.test(name)) throw new Error(`Principal names cannot be empty or contain spaces or commas: "${name}"`);
  return `principal:${name}`;
}
