// Counted nouns in messages: "1 segment", "3 segments", never "segment(s)".

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
