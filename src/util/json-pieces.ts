/**
 * The items of a JSON array as text, a few at a time, for arrays too large to stringify whole
 * (100,000 report cells are ~100 MB of JSON). Pieces under V8's large-object size (128 KB) die
 * young instead of in the old generation.
 *
 * Report cells share their large values: the Kconfig request and its resolution (~30 keys) are
 * one object per (arch, request) for thousands of cells. So a flat record is printed key by key,
 * each object value's text made once per call and reused for every item holding that same
 * object: 61,440 cells of the distinct-boot bench printed in ~1/3 of the time one native
 * JSON.stringify per slice of items took, with the same bytes.
 */

/**
 * Inside `{"k": [...]}` as JSON.stringify(_, null, 2) prints it: the items one level below a top-level key.
 */
const NESTED_HEAD = '{\n  "k": [';
const NESTED_TAIL = '\n  ]\n}';
/** Where an item's keys start, nested: `    {` then each key at six spaces. */
const ITEM_PAD = '\n      ';

type Style = 'compact' | 'nested';

/** Prints the items of one arrayPieces call; remembers the text of the objects they hold. */
class ItemPrinter {
  private readonly objects = new Map<object, string>();
  private readonly keys = new Map<string, string>();

  constructor(private readonly style: Style) {}

  /** The item as JSON.stringify prints it inside the array (nested: with its leading newline and pad). */
  item(item: unknown): string {
    const nested = this.style === 'nested';
    if (!isFlatRecord(item)) {
      const text = nested
        ? JSON.stringify({ k: [item] }, null, 2).slice(NESTED_HEAD.length, -NESTED_TAIL.length)
        : JSON.stringify(item);
      // JSON.stringify leaves out an array item it cannot print (undefined) as null
      return text === undefined ? 'null' : text;
    }
    let out = '';
    for (const key in item) {
      const v = item[key];
      const text = typeof v === 'object' && v !== null ? this.object(v) : JSON.stringify(v);
      if (text === undefined) continue;
      out += `${out ? ',' : ''}${nested ? ITEM_PAD : ''}${this.key(key)}${text}`;
    }
    if (!nested) return `{${out}}`;
    return out ? `\n    {${out}\n    }` : '\n    {}';
  }

  private key(key: string): string {
    let text = this.keys.get(key);
    if (text === undefined)
      this.keys.set(key, (text = `${JSON.stringify(key)}${this.style === 'nested' ? ': ' : ':'}`));
    return text;
  }

  private object(v: object): string {
    let text = this.objects.get(v);
    if (text === undefined) {
      text =
        this.style === 'nested' ? JSON.stringify(v, null, 2).replace(/\n/g, ITEM_PAD) : JSON.stringify(v);
      this.objects.set(v, text);
    }
    return text;
  }
}

/**
 * A plain object whose own keys are all there is to print: what for...in visits and no
 * toJSON that would print it otherwise.
 */
function isFlatRecord(item: unknown): item is Record<string, unknown> {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  const proto = Object.getPrototypeOf(item) as unknown;
  return (proto === Object.prototype || proto === null) && !('toJSON' in item);
}

/**
 * The text between an array's brackets, `per` items at a time. Compact, it is what
 * JSON.stringify(items) has between `[` and `]`; `nested`, what JSON.stringify(_, null, 2)
 * prints between `"key": [` and `\n  ]` for the array as the value of a top-level key. An
 * object held by several items must not change while the pieces are made (its text is reused).
 */
export function* arrayPieces(items: readonly unknown[], style: Style, per = 32): Generator<string> {
  const printer = new ItemPrinter(style);
  for (let i = 0; i < items.length; i += per) {
    let text = '';
    const end = Math.min(items.length, i + per);
    for (let j = i; j < end; j++) text += `${j ? ',' : ''}${printer.item(items[j])}`;
    yield text;
  }
}
