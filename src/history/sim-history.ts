/**
 * Simulated commit histories (matrices/histories/*.yaml): an ordered list of commits whose
 * `set` flips simulator switches. Pure: the caller reads the file.
 */
import * as z from 'zod';
import type { Problem } from '../errors.js';
import { isKnownSymbol } from '../kconfig/declared.js';
import { SYMBOL_NAMES } from '../kconfig/declared-model.js';
import { issuesToProblems } from '../yaml/schema-problems.js';
import {
  nulProblems,
  parseYaml,
  unlocatedYaml,
  type PathKey,
  type YamlMemo,
  type YamlView,
} from '../yaml/yaml.js';
import { defaultSwitches, switchesSchema } from '../sim/switches.js';
import { firstControl, showControl } from '../util/control.js';
import type { Commit, CommitState, History } from './types.js';

const Sym = z.string().regex(/^[A-Z0-9_]+$/, 'a Kconfig symbol is written in capitals without CONFIG_');
const KconfigChange = z.strictObject({
  rename: z.record(Sym, Sym).optional(),
  add: z.array(Sym).optional(),
  remove: z.array(Sym).optional(),
});
const CommitSchema = z.strictObject({
  sha: z.string().regex(/^[0-9a-f]{7,40}$/, 'a sha is 7 to 40 lowercase hex digits'),
  subject: z.string().min(1),
  version: z.string().optional(),
  tags: z.array(z.string().regex(/^[^\s.~^:][^\s~^:]*$/, 'a tag has no spaces, "~", "^" or ":"')).optional(),
  set: z.record(z.string(), z.unknown()).optional(),
  build: z.literal('broken').optional(),
  kconfig: KconfigChange.optional(),
  author: z.string().optional(),
  date: z.string().optional(),
});
export const HistoryFileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  kconfig: KconfigChange.optional(),
  commits: z.array(CommitSchema).min(1, 'a history needs at least one commit'),
});
type HistoryFile = z.output<typeof HistoryFileSchema>;
type KconfigChangeT = z.output<typeof KconfigChange>;

const KEYS: Record<string, readonly string[]> = {
  top: Object.keys(HistoryFileSchema.shape),
  commit: Object.keys(CommitSchema.shape),
  kconfig: Object.keys(KconfigChange.shape),
};

/**
 * Parse and validate a history file. With a memo, a remembered YAML value of the same text is
 * validated instead of parsing again; only a valid one is taken (problems are located by a
 * real parse), and a valid parse is remembered.
 */
export function parseSimHistory(
  file: string,
  text: string,
  memo?: YamlMemo,
): { ok: true; history: History } | { ok: false; problems: Problem[] } {
  const remembered = memo?.get(text);
  if (remembered !== undefined) {
    const quick = checkHistory(file, unlocatedYaml(file, remembered));
    if (quick.ok) return quick;
  }
  const parsed = parseYaml(file, text);
  if (!parsed.ok) return parsed;
  const checked = checkHistory(file, parsed.yaml);
  if (checked.ok) memo?.put(text, parsed.yaml.value);
  return checked;
}

function checkHistory(
  file: string,
  yaml: YamlView,
): { ok: true; history: History } | { ok: false; problems: Problem[] } {
  const result = HistoryFileSchema.safeParse(yaml.value);
  const keysAt = (path: readonly PathKey[]) =>
    path.length === 0
      ? KEYS.top!
      : path.at(-1) === 'kconfig'
        ? KEYS.kconfig!
        : path[0] === 'commits' && path.length === 2
          ? KEYS.commit!
          : [];
  if (!result.success)
    return {
      ok: false,
      problems: [...issuesToProblems(yaml, result.error.issues, keysAt), ...nulProblems(yaml)],
    };
  const data = result.data;
  // tags and versions reach a command backend (KMATRIX_COMMIT_LABEL), versions and subjects logs
  const problems: Problem[] = [...nulProblems(yaml), ...controlProblems(data, yaml.problem)];
  const seenSha = new Map<string, number>();
  const seenTag = new Map<string, number>();
  data.commits.forEach((c, i) => {
    const prev = seenSha.get(c.sha);
    if (prev !== undefined)
      problems.push(
        yaml.problem(['commits', i, 'sha'], `duplicate sha ${c.sha}`, {
          hint: `commits[${prev}] has it too`,
        }),
      );
    seenSha.set(c.sha, i);
    (c.tags ?? []).forEach((t, j) => {
      if (seenTag.has(t))
        problems.push(
          yaml.problem(['commits', i, 'tags', j], `duplicate tag ${t}`, {
            hint: `commits[${seenTag.get(t)}] has it too`,
          }),
        );
      seenTag.set(t, i);
    });
    if (c.set) {
      const r = switchesSchema.safeParse(c.set);
      if (!r.success)
        problems.push(
          ...issuesToProblems(
            yaml,
            r.error.issues.map((e) => ({ ...e, path: ['commits', i, 'set', ...e.path] })),
            () => Object.keys(defaultSwitches()),
          ),
        );
    }
    if (c.kconfig) problems.push(...kconfigProblems(c.kconfig, ['commits', i, 'kconfig'], yaml.problem));
  });
  if (data.kconfig) problems.push(...kconfigProblems(data.kconfig, ['kconfig'], yaml.problem));
  problems.push(...renameProblems(data, yaml.problem));
  if (problems.length) return { ok: false, problems };
  return { ok: true, history: buildHistory(file, data) };
}

type Locate = (p: readonly PathKey[], m: string, o?: { hint?: string; key?: boolean }) => Problem;

/**
 * Control characters in the strings of a history (but its free-text description): a version
 * or subject with a newline would put a line of its own choosing (a fake `BUG:`) into a log.
 */
function controlProblems(data: HistoryFile, problem: Locate): Problem[] {
  const out: Problem[] = [];
  const walk = (v: unknown, at: PathKey[]): void => {
    if (out.length >= 20) return;
    if (typeof v === 'string') {
      const c = firstControl(v);
      if (c)
        out.push(
          problem(
            at,
            `contains a control character ("${showControl(c)}"); history strings reach logs and the terminal`,
          ),
        );
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) if (at.length || k !== 'description') walk(x, [...at, k]);
  };
  walk(data, []);
  return out;
}

/**
 * Renames onto a name in force for another symbol at that commit: the two symbols would share
 * one name and a matrix asking for it would get the wrong one's value.
 */
function renameProblems(data: HistoryFile, problem: Locate): Problem[] {
  const out: Problem[] = [];
  const check = (change: KconfigChangeT | undefined, at: PathKey[], names: Record<string, string | null>) => {
    applyNaming(names, change, (from, to) =>
      out.push(
        problem(
          [...at, 'rename', from],
          `cannot rename ${from} onto ${to}, a symbol that exists at this commit`,
          {
            key: true,
            hint: `remove or rename ${to} first`,
          },
        ),
      ),
    );
  };
  let names = Object.fromEntries(SYMBOL_NAMES.map((s) => [s, s])) as Record<string, string | null>;
  check(data.kconfig, ['kconfig'], names);
  names = applyNaming(names, data.kconfig);
  data.commits.forEach((c, i) => {
    if (!c.kconfig) return;
    check(c.kconfig, ['commits', i, 'kconfig'], names);
    names = applyNaming(names, c.kconfig);
  });
  return out;
}

function kconfigProblems(change: KconfigChangeT, at: PathKey[], problem: Locate): Problem[] {
  const out: Problem[] = [];
  for (const [j, s] of (change.remove ?? []).entries()) {
    if (!isKnownSymbol(s))
      out.push(
        problem([...at, 'remove', j], `unknown Kconfig symbol ${s}`, {
          hint: `the model has: ${SYMBOL_NAMES.join(', ')}`,
        }),
      );
  }
  return out;
}

/** Fold the commits into per-commit states, sharing objects between commits that change nothing. */
export function buildHistory(source: string, data: HistoryFile): History {
  const defaults = defaultSwitches() as unknown as Record<string, unknown>;
  const commits: Commit[] = data.commits.map((c) => ({
    sha: c.sha,
    subject: c.subject,
    tags: c.tags ?? [],
    set: c.set ?? {},
    buildBroken: c.build === 'broken',
    ...(c.version ? { version: c.version } : {}),
  }));
  const states: CommitState[] = [];
  let switches: Record<string, unknown> = { ...defaults };
  let names: Record<string, string | null> = applyNaming(
    Object.fromEntries(SYMBOL_NAMES.map((s) => [s, s])),
    data.kconfig,
  );
  let version: string | undefined;
  data.commits.forEach((c, i) => {
    if (c.set && Object.keys(c.set).length) switches = { ...switches, ...c.set };
    if (c.kconfig) names = applyNaming(names, c.kconfig);
    if (c.version) version = c.version;
    states.push({
      sha: c.sha,
      subject: c.subject,
      buildBroken: commits[i]!.buildBroken,
      switches,
      symbolNames: names,
      ...(version ? { version } : {}),
    });
  });
  return {
    kind: 'sim',
    name: data.name,
    source,
    commits,
    index: new Map(commits.map((c, i) => [c.sha, i])),
    stateAt: (i) => states[i]!,
  };
}

/** Apply renames/adds/removes; names are looked up among the names in force. */
function applyNaming(
  names: Record<string, string | null>,
  change: KconfigChangeT | undefined,
  onConflict?: (from: string, to: string) => void,
): Record<string, string | null> {
  if (!change) return names;
  const out = { ...names };
  const canonicalOf = (name: string) =>
    Object.keys(out).find((k) => out[k] === name) ?? (name in out ? name : undefined);
  const inForce = (name: string) => Object.values(out).includes(name);
  for (const [from, to] of Object.entries(change.rename ?? {})) {
    const c = canonicalOf(from);
    if (to !== from && inForce(to)) onConflict?.(from, to);
    if (c) out[c] = to;
  }
  for (const s of change.remove ?? []) {
    const c = canonicalOf(s);
    if (c) out[c] = null;
  }
  for (const s of change.add ?? []) if (isKnownSymbol(s)) out[s] = s;
  return out;
}
