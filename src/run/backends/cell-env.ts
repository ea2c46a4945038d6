/**
 * What a command-backend program learns of its cell: KMATRIX_* environment variables with the
 * cell's values, verbatim (never shell code), and the same quoted for a spawner shell's script.
 */
import type { Cell } from '../../matrix/types.js';
import { objectMemo } from '../../util/object-memo.js';
import { exportWords } from './spawner-protocol.js';

/** The environment a cell gets: KMATRIX_* variables with the cell's values, verbatim. */
export function cellEnv(cell: Cell, logDir: string, attempt: number): Record<string, string> {
  return {
    ...ownVars(cell, logDir, attempt),
    KMATRIX_KCONFIG: kconfigLine(cell.kconfig),
    ...configVars(cell.resolved),
  };
}

/** What differs from cell to cell. */
export function ownVars(cell: Cell, logDir: string, attempt: number): Record<string, string> {
  return {
    KMATRIX_CELL_ID: cell.id,
    KMATRIX_ARCH: cell.arch,
    KMATRIX_BOOT: cell.boot,
    KMATRIX_WORKLOAD: cell.workload,
    KMATRIX_COMMIT: cell.commit,
    KMATRIX_COMMIT_LABEL: cell.commitLabel,
    KMATRIX_MEMORY: String(cell.machine.memory),
    KMATRIX_NODES: String(cell.machine.nodes),
    KMATRIX_LOG_DIR: logDir,
    KMATRIX_ATTEMPT: String(attempt),
    // a real tree's cell: the full .config, stored once for every cell that shares it
    ...(cell.configFile ? { KMATRIX_CONFIG_FILE: cell.configFile } : {}),
  };
}

/** What the cell itself asked for (the resolved KMATRIX_CONFIG_* add the model's defaults). */
function kconfigLine(kconfig: Cell['kconfig']): string {
  return Object.entries(kconfig)
    .map(([sym, v]) => `${sym}=${v}`)
    .join(' ');
}

function configVars(resolved: Cell['resolved']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [sym, value] of Object.entries(resolved)) {
    env[`KMATRIX_CONFIG_${sym.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`] = value;
  }
  return env;
}

/**
 * The Kconfig part of a cell's exports, quoted for a spawner: the cells of one Kconfig request
 * share their kconfig and resolved objects (plan.ts), so each is quoted once.
 */
const askedWords = objectMemo((kconfig: Cell['kconfig']) =>
  exportWords({ KMATRIX_KCONFIG: kconfigLine(kconfig) }),
);
const resolvedWords = objectMemo((resolved: Cell['resolved']) => exportWords(configVars(resolved)));
export function sharedWords(cell: Cell): string | undefined {
  const asked = askedWords(cell.kconfig);
  const resolved = resolvedWords(cell.resolved);
  return asked === undefined || resolved === undefined ? undefined : `${asked} ${resolved}`.trimEnd();
}
