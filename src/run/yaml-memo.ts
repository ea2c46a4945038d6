/**
 * YamlMemo kept in the result cache folder: `yaml/<sha256 of the text>.json` holds the parsed
 * value of a history file that passed validation. `kmatrix run` hands it to the loader, which
 * still validates every remembered value (sim-history.ts); this only spares the YAML parse.
 * A value JSON cannot carry exactly (Infinity, -0) is not remembered; anything unreadable is a
 * miss. A file is `{ sum, value }`, `sum` an integrity hash over the file's name and the value's
 * JSON: a file that does not match is a miss with a warning. Files are 0600, written whole.
 */
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { YamlMemo } from '../yaml/yaml.js';
import { sha256 } from './canonical-json.js';
import { readRegularFile, writePrivateFile } from './private-files.js';

const MEMO_VERSION = 2;
/** Room beyond the text's own size: a history's parsed value is not much larger (alias bombs are refused). */
const MEMO_SLACK = 64 * 1024;

const sumOf = (file: string, json: string): string => sha256(`kmatrix-yaml-memo ${basename(file)}\n${json}`);

export class FileYamlMemo implements YamlMemo {
  constructor(
    readonly dir: string,
    private readonly onWarning?: (message: string) => void,
  ) {}

  private path(text: string): string {
    return join(this.dir, 'yaml', `${sha256(`kmatrix-yaml ${MEMO_VERSION}\n${text}`)}.json`);
  }

  get(text: string): unknown {
    const file = this.path(text);
    const stored = readRegularFile(file, MEMO_SLACK + 16 * text.length);
    if (stored === undefined) return undefined;
    let memo: { sum?: unknown; value?: unknown };
    try {
      memo = JSON.parse(stored) as typeof memo;
    } catch {
      return undefined;
    }
    if (memo?.sum !== sumOf(file, JSON.stringify(memo.value))) {
      this.onWarning?.(`YAML memo ${basename(file)} does not match its integrity hash: ignored`);
      return undefined;
    }
    return memo.value;
  }

  /** Never throws: a memo that cannot be written only costs the next run a parse. */
  put(text: string, value: unknown): void {
    try {
      const json = JSON.stringify(value);
      if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) return;
      const file = this.path(text);
      // summed as read back: JSON.parse puts integer-like keys first
      const sum = sumOf(file, JSON.stringify(JSON.parse(json)));
      writePrivateFile(this.dir, file, `{"sum":"${sum}","value":${json}}`);
    } catch {
      // no folder or no space: the temp file is gone, and the next run parses again
    }
  }
}
