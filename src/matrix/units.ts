/** Sizes (`8G`, `512M`, bytes) and durations (`30s`, `10m`, `1h`, `500ms`, seconds) as users write them. */

const SIZE_SHIFT: Record<string, number> = { '': 0, K: 10, M: 20, G: 30, T: 40 };

/** Parse a memory size like the kernel's memparse: `8G`, `512M`, `1024K`, or a byte count. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  const m = /^(\d+)([KMGT]?)(i?B)?$/i.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * 2 ** SIZE_SHIFT[m[2]!.toUpperCase()]!;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** `8G` for 8 GiB, `1536M`, or bytes; the shortest exact form. */
export function formatSize(bytes: number): string {
  for (const [suffix, shift] of [
    ['T', 40],
    ['G', 30],
    ['M', 20],
    ['K', 10],
  ] as const) {
    const unit = 2 ** shift;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** The longest duration a timer can hold (setTimeout overflows above 2^31-1 ms and fires at once). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** Whole milliseconds, when positive and a timer can hold them. */
function timerMs(ms: number): number | undefined {
  const rounded = Math.round(ms);
  return Number.isFinite(rounded) && rounded > 0 && rounded <= MAX_DURATION_MS ? rounded : undefined;
}

/** Parse `500ms`, `30s`, `10m`, `1h`, `1m30s`, or a number of seconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return timerMs(value * 1000);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return parseDuration(Number(text));
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * DURATION_MS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === text.length && end > 0 ? timerMs(total) : undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}
