// The last line of defence before anything is written or printed: every token the run
// knows is replaced in the final text, in every form it could take there (raw, inside a
// JSON string, HTML/XML-escaped, URL-encoded). Transcripts are redacted at the source by
// the harness; this catches whatever slipped through (an error message quoting a hello,
// a server echoing a token in free text, ...).

export const OUTPUT_REDACTION = '[redacted]';

/** Secrets shorter than this would mangle ordinary text; the harness redacts them by position. */
const MIN_SECRET_LENGTH = 4;

function escapeMarkup(text: string): string[] {
  const amp = text.replace(/&/g, '&amp;');
  const lt = amp.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [lt.replace(/"/g, '&quot;').replace(/'/g, '&#39;'), lt.replace(/"/g, '&quot;').replace(/'/g, '&apos;'), lt];
}

function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, json, ...escapeMarkup(secret), ...escapeMarkup(json), encodeURIComponent(secret)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type OutputRedactor = (text: string) => string;

/** A function that replaces every known secret in a text; the identity when there is none. */
export function createOutputRedactor(secrets: Iterable<string | undefined>): OutputRedactor {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of forms(secret)) variants.add(form);
  }
  if (variants.size === 0) return (text) => text;
  // Longest first, so a form that contains another is replaced whole.
  const pattern = new RegExp(
    [...variants].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
    'g',
  );
  return (text) => text.replace(pattern, OUTPUT_REDACTION);
}
