/** The files of a result cache folder, as tests walk them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Result entries (`<2 hex>/<key>.json`) with their key and text. The remembered YAML parses in
 * `yaml/` are not result entries; each of them must still be whole JSON.
 */
export function cacheEntryFiles(cacheDir: string): Array<{ name: string; key: string; text: string }> {
  const out: Array<{ name: string; key: string; text: string }> = [];
  for (const sub of existsSync(cacheDir) ? readdirSync(cacheDir) : []) {
    for (const f of readdirSync(join(cacheDir, sub))) {
      if (!f.endsWith('.json')) continue;
      const text = readFileSync(join(cacheDir, sub, f), 'utf8');
      if (sub === 'yaml') JSON.parse(text);
      else out.push({ name: `${sub}/${f}`, key: f.slice(0, -'.json'.length), text });
    }
  }
  return out;
}
