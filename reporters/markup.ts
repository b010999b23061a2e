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

/** Shortens prose for a terminal line at a word boundary, unless the last word is very long. */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${space >= max * 0.6 ? cut.slice(0, space).trimEnd() : cut}…`;
}

/** Splits text into lines of at most `width` characters at spaces (a longer word gets its own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
