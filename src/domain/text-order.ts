// One order for the names wheelwright sorts (wheels, image folders, build args, tags): by UTF-16
// code unit, the same on every machine and locale. `localeCompare` would load ICU's collator on its
// first call, about 14 ms of a no-op `build` that otherwise takes a hundred.
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
