/** Where a step's bar sits on a time axis of `width` characters from `start` to `end`. */
export function barSpan(
  axis: { readonly start: number; readonly end: number; readonly width: number },
  from: number,
  to: number,
): { readonly offset: number; readonly length: number } {
  const span = Math.max(1, axis.end - axis.start);
  const scale = (at: number) => Math.min(axis.width, Math.max(0, ((at - axis.start) / span) * axis.width));
  const offset = Math.min(axis.width - 1, Math.floor(scale(from)));
  const length = Math.max(1, Math.ceil(scale(to)) - offset);
  return { offset, length: Math.min(length, axis.width - offset) };
}

/** A bar of `width` characters: spaces, then the bar, then spaces. */
export function bar(
  axis: { start: number; end: number; width: number },
  from: number,
  to: number,
  fill: string,
): string {
  const { offset, length } = barSpan(axis, from, to);
  return `${" ".repeat(offset)}${fill.repeat(length)}`.padEnd(axis.width);
}
