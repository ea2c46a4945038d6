/**
 * The items of a JSON array as text, a few at a time, for arrays too large to stringify whole
 * (100,000 report cells are ~100 MB of JSON). One native JSON.stringify per slice is ~2-3x
 * faster than one per item (and than re-indenting each), and pieces under V8's large-object
 * size (128 KB) die young instead of in the old generation.
 */

/**
 * Inside `{"k": [...]}` as JSON.stringify(_, null, 2) prints it: the items one level below a top-level key.
 */
const NESTED_HEAD = '{\n  "k": [';
const NESTED_TAIL = '\n  ]\n}';

/**
 * The text between an array's brackets, `per` items at a time. Compact, it is what
 * JSON.stringify(items) has between `[` and `]`; `nested`, what JSON.stringify(_, null, 2)
 * prints between `"key": [` and `\n  ]` for the array as the value of a top-level key.
 */
export function* arrayPieces(
  items: readonly unknown[],
  style: 'compact' | 'nested',
  per = 32,
): Generator<string> {
  for (let i = 0; i < items.length; i += per) {
    const slice = items.slice(i, i + per);
    const text =
      style === 'compact'
        ? JSON.stringify(slice).slice(1, -1)
        : JSON.stringify({ k: slice }, null, 2).slice(NESTED_HEAD.length, -NESTED_TAIL.length);
    yield i ? `,${text}` : text;
  }
}
