/**
 * YamlMemo kept in the result cache folder: `yaml/<sha256 of the text>.json` holds the parsed
 * value of a history file that passed validation. `kmatrix run` hands it to the loader, which
 * still validates every remembered value (sim-history.ts); this only spares the YAML parse.
 * A value JSON cannot carry exactly (Infinity, -0) is not remembered; anything unreadable is a
 * miss; entries are written atomically (writeFileAtomic).
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { YamlMemo } from '../yaml/yaml.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { sha256 } from './cache.js';
import { readRegularFile } from './safe-read.js';

const MEMO_VERSION = 1;
const MEMO_SLACK = 64 * 1024;

export class FileYamlMemo implements YamlMemo {
  constructor(readonly dir: string) {}

  private path(text: string): string {
    return join(this.dir, 'yaml', `${sha256(`kmatrix-yaml ${MEMO_VERSION}\n${text}`)}.json`);
  }

  get(text: string): unknown {
    // a history's parsed value is not much larger than its text (alias bombs are refused)
    const json = readRegularFile(this.path(text), MEMO_SLACK + 16 * text.length);
    if (json === undefined) return undefined;
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Never throws: a memo that cannot be written only costs the next run a parse. */
  put(text: string, value: unknown): void {
    try {
      const json = JSON.stringify(value);
      if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) return;
      writeFileAtomic(this.path(text), json);
    } catch {
      // no folder or no space: the temp file is gone, and the next run parses again
    }
  }
}
