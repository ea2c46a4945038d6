/** A full commit id: sha-1 (40 hex digits) or sha-256 (64), as git prints them. */
export const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** A full commit id as people read it (its first 12 digits); anything else as it is. */
export function shortSha(sha: string): string {
  return FULL_SHA.test(sha) ? sha.slice(0, 12) : sha;
}
