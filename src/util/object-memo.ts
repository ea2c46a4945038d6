/**
 * A function computed once per object: for what is derived from objects that many cells share
 * (a commit's switch record, a resolved Kconfig), which are never changed once made.
 */
export function objectMemo<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    let value = memo.get(key);
    // one lookup on a hit; `has` only tells a remembered undefined from a miss
    if (value === undefined && !memo.has(key)) memo.set(key, (value = compute(key)));
    return value as V;
  };
}
