/**
 * Control characters in text that came from a user's files, logs or a command: found (to
 * refuse them in histories) or made visible (`\x1b`, `\r`) before the text reaches a terminal,
 * where an escape sequence would clear the screen, set the title or rewrite a line.
 */

/** C0 controls but NUL (reported on its own), DEL, C1 controls, and the Unicode line breaks. */
const CONTROL = /[\u0001-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** How a control character is shown: `\n`, `\r`, `\t`, `\x1b`, `\u2028`. */
export function showControl(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
}

/** The first control character of `text` (NUL aside), or undefined. */
export function firstControl(text: string): string | undefined {
  return CONTROL.exec(text)?.[0];
}

/** `text` with every control character written out visibly; newlines kept when `keepNewlines`. */
export function escapeControl(text: string, keepNewlines = false): string {
  return text.replace(CONTROLS, (c) => (keepNewlines && c === '\n' ? c : showControl(c)));
}
