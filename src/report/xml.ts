/** Escaping for XML and HTML output. */

// XML 1.0 forbids C0 controls other than tab/newline/CR, U+FFFE/U+FFFF and unpaired surrogates
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.source;
/** A high surrogate with no low one after it. */
const LONE_HIGH = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.source;
/** A low surrogate with no high one before it. */
const LONE_LOW = /(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.source;
const FORBIDDEN = new RegExp(`${CONTROLS}|${LONE_HIGH}|${LONE_LOW}`, 'g');

/** Replace characters XML cannot carry at all with a visible `\xNN` / `\uNNNN` spelling. */
export function stripForbidden(s: string): string {
  return s.replace(FORBIDDEN, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Escape element text. */
export function xmlText(s: string): string {
  return stripForbidden(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/**
 * Escape an attribute value (double-quoted); whitespace is
 * kept as character references so it survives normalisation.
 */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

/** Escape for HTML text and attribute values. */
export function htmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe to embed in a <script> element: no `</script>`, no `<!--`, no U+2028/2029 surprises. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
