// A set of named switches of the runtime (defects, legal variants), checked once against
// the names it knows.
export class Switches<Name extends string> {
  readonly #on: ReadonlySet<Name>;

  constructor(kind: string, known: readonly Name[], names: readonly Name[] = []) {
    for (const name of names) {
      if (!known.includes(name)) throw new Error(`unknown ${kind} ${JSON.stringify(name)}; known: ${known.join(', ')}`);
    }
    this.#on = new Set(names);
  }

  has(name: Name): boolean {
    return this.#on.has(name);
  }

  list(): Name[] {
    return [...this.#on];
  }
}
