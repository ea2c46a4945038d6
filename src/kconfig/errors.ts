/**
 * The one error class of the Kconfig engine: every problem it reports is located in a Kconfig
 * file (or a config file) so a user can jump to it, as the kernel's own tools do.
 */

/** A located problem in Kconfig input: syntax the engine does not know, a bad macro, a missing file. */
export class KconfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = 'KconfigError';
  }
}
