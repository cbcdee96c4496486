// Orderings shared by the memory adapters; they match SQLite's BINARY collation for the strings we store.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
