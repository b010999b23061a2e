// Escaping for XML, HTML and SVG text and attributes. Everything that reaches a report may
// come from an untrusted server (frames, error messages), so every interpolation goes
// through one of these.

// XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Anything else (control characters, lone surrogates, U+FFFE/U+FFFF) is replaced.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces characters XML 1.0 cannot carry at all, even escaped. */
export function xmlSafeChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD');
}

/** Text or attribute value for XML, HTML or SVG: `& < > " '` escaped, invalid characters replaced. */
export function escapeMarkup(value: unknown): string {
  return xmlSafeChars(String(value))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Shortens a label for a diagram or table cell. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
