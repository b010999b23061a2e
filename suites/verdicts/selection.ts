// Which conformance tests run: `--only` / `--skip` by requirement id (`SEQ-001`) or area
// (`SEQ`). Suite-level selection happens earlier, by file, in the CLI.

export interface Selection {
  readonly only: readonly string[];
  readonly skip: readonly string[];
}

export function parseSelectionList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
}

export function selectionFromEnv(env: NodeJS.ProcessEnv = process.env): Selection {
  return { only: parseSelectionList(env.ARCP_ONLY), skip: parseSelectionList(env.ARCP_SKIP) };
}

function matches(id: string, pattern: string): boolean {
  return id === pattern || id.startsWith(`${pattern}-`);
}

/** A test runs when `only` is empty or names one of its ids, and `skip` names none of them. */
export function isSelected(ids: readonly string[], selection: Selection): boolean {
  const wanted = selection.only.length === 0 || ids.some((id) => selection.only.some((p) => matches(id, p)));
  const unwanted = ids.some((id) => selection.skip.some((p) => matches(id, p)));
  return wanted && !unwanted;
}
