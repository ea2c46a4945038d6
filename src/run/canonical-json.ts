/** Canonical JSON and sha256: what cache keys and integrity hashes are computed over. */
import { hash } from 'node:crypto';

const isIndexKey = (k: string) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;

/**
 * JSON with object keys sorted, so equal content always hashes equally. Written out by hand
 * (it runs twice per cell to make cache keys): a JSON.stringify replacer copying every object
 * cost more than reading the cache entry.
 */
export function canonicalJson(value: unknown, memo?: WeakMap<object, string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const known = memo?.get(value);
  if (known !== undefined) return known;
  const text = canonicalObject(value, memo);
  memo?.set(value, text);
  return text;
}

const arrayItem = (v: unknown, memo: WeakMap<object, string> | undefined): string =>
  v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v, memo);

function canonicalObject(value: object, memo: WeakMap<object, string> | undefined): string {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON(), memo);
  if (Array.isArray(value)) return `[${value.map((v) => arrayItem(v, memo)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  // the order an object built from the sorted entries enumerates in: integer-like keys first
  const keys = Object.keys(record).sort();
  const index = keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
  for (const k of index.length ? [...index, ...keys.filter((k) => !isIndexKey(k))] : keys) {
    const v = record[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v, memo)}`);
  }
  return `{${parts.join(',')}}`;
}

export function sha256(text: string | Buffer): string {
  // the one-shot hash (Node >= 20.12) skips the Hash object a createHash chain makes per call
  return hash('sha256', text, 'hex');
}
