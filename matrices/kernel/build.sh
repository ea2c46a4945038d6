#!/usr/bin/env bash
# kmatrix command backend: build an x86_64 kernel for one cell, then boot it with
# matrices/qemu/boot.sh (same busybox initramfs, same checks) by handing it the built bzImage.
#
# Source tree: KMATRIX_WORKTREE (a git-history matrix checks each commit out there), else
#   KMATRIX_KERNEL_TREE, else Debian's linux-source-6.12 extracted once by kernel-tree.sh --full.
# Config: KMATRIX_CONFIG_FILE (the cell's full .config) + `make olddefconfig`; otherwise
#   KMATRIX_KBUILD_BASE (a make target, tinyconfig) + KMATRIX_KBUILD_FRAGMENTS (space-separated
#   files, default boot-checks.config beside this script: what boot.sh's checks need) + the cell's
#   own symbols (KMATRIX_KCONFIG, or every KMATRIX_CONFIG_<SYM> when that is unset) set with
#   scripts/config, then `make olddefconfig`.
# Build: `make O=<folder> CC="ccache gcc" bzImage`, the folder under KMATRIX_KBUILD_DIR
#   (default <tree>/.kmatrix-kbuild, which the kernel's .gitignore ignores) named by a hash of
#   the .config and the commit (the tree's path when it is no git checkout), locked (flock) so
#   that two cells never build in one folder; a finished folder is reused by every later cell.
#   Inside the tree, every tree compiles with the same relative paths (CCACHE_BASEDIR is the
#   tree), so different worktrees and commits share ccache hits.
# Knobs: KMATRIX_MAKE_JOBS (default nproc), KMATRIX_NICE (default 10), KMATRIX_CCACHE=0 (plain
#   gcc), KMATRIX_BUILD_FAILURE=skip|fail (default skip), KMATRIX_BOOT_SH (boot.sh to call).
# Exit status, as `git bisect run` reads it: 0 pass, 1 a check failed, 125 untestable (a tree that
# does not build, unless KMATRIX_BUILD_FAILURE=fail makes that 1), 255 boot.sh's QEMU failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { printf 'kmatrix-kbuild: %s\n' "$*"; }
skip() {
  printf 'SKIP: %s\n' "$*"
  exit 125
}

arch=${KMATRIX_ARCH:-x86_64}
[ "$arch" = x86_64 ] || skip "arch $arch: this script builds x86_64 kernels only"
for tool in make gcc flex bison bc flock sha256sum; do
  command -v "$tool" >/dev/null || skip "$tool not found (needed to build a kernel)"
done
use_ccache=${KMATRIX_CCACHE:-1}
if [ "$use_ccache" != 0 ] && ! command -v ccache >/dev/null; then
  say "note: ccache not found (Debian package ccache): building without it"
  use_ccache=0
fi
boot_sh=${KMATRIX_BOOT_SH:-$here/../qemu/boot.sh}
[ -x "$boot_sh" ] || skip "boot.sh $boot_sh is missing"

# ---- source tree -----------------------------------------------------------------------------
src=${KMATRIX_WORKTREE:-${KMATRIX_KERNEL_TREE:-}}
if [ -z "$src" ]; then
  src=$("$here/../../scripts/kernel-tree.sh" --full) || skip "no kernel tree (kernel-tree.sh --full failed)"
fi
src=$(cd "$src" && pwd -P) || skip "kernel tree ${src} is missing"
[ -f "$src/Makefile" ] && [ -f "$src/arch/x86/Kconfig" ] || skip "$src is not a kernel source tree"
commit=$(git -C "$src" rev-parse -q --verify HEAD 2>/dev/null || echo "${KMATRIX_COMMIT:-none}")
say "cell ${KMATRIX_CELL_ID:-manual}: tree $src at ${commit:0:12}"

kbuild=${KMATRIX_KBUILD_DIR:-$src/.kmatrix-kbuild}
mkdir -p "$kbuild"
kbuild=$(cd "$kbuild" && pwd -P)
jobs=${KMATRIX_MAKE_JOBS:-$(nproc)}
nice_n=${KMATRIX_NICE:-10}
cc=(CC=gcc)
if [ "$use_ccache" != 0 ]; then
  cc=(CC="ccache gcc")
  # ccache rewrites absolute paths below its base dir into paths relative to the build folder:
  # with the folders inside the tree, every tree gives the same relative paths, so hits are shared
  if [ -z "${CCACHE_BASEDIR:-}" ]; then
    common=$src
    while [ "$common" != / ] && [ "${kbuild#"$common"/}" = "$kbuild" ]; do common=$(dirname "$common"); done
    export CCACHE_BASEDIR=$common
  fi
fi
kmake() { nice -n "$nice_n" make -C "$src" "${cc[@]}" "$@"; }

# ---- the .config, made in a per-tree scratch folder (it holds the built kconfig tools) --------
tree_key=$(printf '%s' "$src" | sha256sum | cut -c1-12)
conf=$kbuild/conf-$tree_key
mkdir -p "$conf"
exec 8>"$conf.lock"
flock 8
if [ -n "${KMATRIX_CONFIG_FILE:-}" ]; then
  [ -r "$KMATRIX_CONFIG_FILE" ] || skip "KMATRIX_CONFIG_FILE=$KMATRIX_CONFIG_FILE is not readable"
  cp "$KMATRIX_CONFIG_FILE" "$conf/.config"
  say "config: $KMATRIX_CONFIG_FILE + olddefconfig"
else
  base=${KMATRIX_KBUILD_BASE:-tinyconfig}
  fragments=${KMATRIX_KBUILD_FRAGMENTS:-$here/boot-checks.config}
  clog=$conf/config.log
  kmake -s O="$conf" "$base" >"$clog" 2>&1 || skip "make $base failed: $(tail -n 3 "$clog")"
  read -r -a frags <<<"$fragments"
  (cd "$src" && scripts/kconfig/merge_config.sh -m -O "$conf" "$conf/.config" "${frags[@]}") >>"$clog" 2>&1 ||
    skip "merging $fragments failed: $(tail -n 3 "$conf/config.log")"
  # the cell's own symbols; the resolved rest (KMATRIX_CONFIG_*) are the simulator's defaults
  if [ -n "${KMATRIX_KCONFIG+set}" ]; then
    read -r -a pairs <<<"${KMATRIX_KCONFIG//,/ }"
  else
    pairs=()
    for var in $(compgen -v KMATRIX_CONFIG_ || true); do
      [ "$var" = KMATRIX_CONFIG_FILE ] || pairs+=("${var#KMATRIX_CONFIG_}=${!var}")
    done
  fi
  set_args=()
  for pair in "${pairs[@]}"; do
    [[ $pair =~ ^([A-Z0-9_]+)=([ynm])$ ]] || skip "config entry \"$pair\" is not SYM=y|n|m"
    case ${BASH_REMATCH[2]} in
      y) set_args+=(--enable "${BASH_REMATCH[1]}") ;;
      m) set_args+=(--module "${BASH_REMATCH[1]}") ;;
      n) set_args+=(--disable "${BASH_REMATCH[1]}") ;;
    esac
  done
  if [ ${#set_args[@]} -gt 0 ]; then "$src/scripts/config" --file "$conf/.config" "${set_args[@]}"; fi
  say "config: $base + $(basename -a "${frags[@]}" | tr '\n' ' ')+ cell (${pairs[*]:-none}) + olddefconfig"
fi
kmake -s O="$conf" olddefconfig >>"$conf/config.log" 2>&1 ||
  skip "make olddefconfig failed: $(tail -n 3 "$conf/config.log")"
config=$(mktemp "${TMPDIR:-/tmp}/kmatrix-kbuild-config.XXXXXX")
trap 'rm -f "$config"' EXIT
cp "$conf/.config" "$config"
exec 8>&-

# ---- the build, in a folder of its own per (.config, commit, tree) ---------------------------
# A clean git checkout is named by its commit wherever it is checked out, and a finished build of
# it is reused as it is. Any other tree (not git, or with changes) is named by its path, and make
# runs every time (an edited file is rebuilt), except kernel-tree.sh's pristine extracted tree.
origin="tree $src"
if [[ $commit =~ ^[0-9a-f]{40}$ ]] && git -C "$src" diff-index --quiet HEAD -- 2>/dev/null; then
  origin="commit $commit"
fi
key=$({ grep -v '^#' "$config" | sort; echo "$origin"; } | sha256sum | cut -c1-16)
out=$kbuild/$key
mkdir -p "$out"
log_dir=${KMATRIX_LOG_DIR:-$out}
mkdir -p "$log_dir"
log=$log_dir/build.log
exec 9>"$out.lock"
if ! flock -n 9; then
  say "waiting for another cell building in $out"
  flock 9
fi
fail_build() {
  local tail_lines=$1
  printf '%s\n' "$tail_lines"
  local first
  first=$(grep -m 1 -E 'error:|Error [0-9]+|undefined reference' <<<"$tail_lines" ||
    tail -n 1 <<<"$tail_lines")
  if [ "${KMATRIX_BUILD_FAILURE:-skip}" = fail ]; then
    printf 'FAIL: the kernel does not build: %s\n' "$first"
    exit 1
  fi
  printf 'SKIP: the kernel does not build (KMATRIX_BUILD_FAILURE=fail fails instead): %s\n' "$first"
  exit 125
}
bzimage=$out/arch/x86/boot/bzImage
# kernel-tree.sh's extracted tree (.complete) is never edited either: its build is reused too
reuse=""
if [ "${origin%% *}" = commit ] || [ -f "$src/.complete" ]; then reuse=1; fi
if [ -n "$reuse" ] && [ -f "$out/.kmatrix-build-failed" ]; then
  say "this config and commit failed to build before in $out (its log: $out/build.log)"
  fail_build "$(cat "$out/.kmatrix-build-failed")"
elif [ -n "$reuse" ] && [ -f "$out/.kmatrix-built" ] && [ -f "$bzimage" ]; then
  say "reusing the kernel built in $out"
  cp "$out/build.log" "$log" 2>/dev/null || true
else
  # a half-built folder from another tree names that tree's files in its dependencies: start over
  if [ -f "$out/.kmatrix-tree" ] && [ "$(cat "$out/.kmatrix-tree")" != "$src" ]; then
    find "$out" -mindepth 1 -delete
  fi
  printf '%s\n' "$src" >"$out/.kmatrix-tree"
  rm -f "$out/.kmatrix-built" "$out/.kmatrix-build-failed"
  cp "$config" "$out/.config"
  say "building bzImage in $out: make -j$jobs ${cc[*]} (log: $log)"
  start=$(date +%s)
  rc=0
  kmake O="$out" -j"$jobs" olddefconfig bzImage >"$log" 2>&1 || rc=$?
  [ "$log" = "$out/build.log" ] || cp "$log" "$out/build.log"
  if [ "$rc" -ne 0 ]; then
    say "make failed with status $rc after $(($(date +%s) - start)) s; the last lines of $log:"
    # a make that failed by itself (not killed by a signal) fails again: remember it
    if [ "$rc" -lt 128 ]; then tail -n 40 "$log" >"$out/.kmatrix-build-failed"; fi
    fail_build "$(tail -n 40 "$log")"
  fi
  touch "$out/.kmatrix-built"
  say "built $bzimage in $(($(date +%s) - start)) s"
fi
exec 9>&-

# ---- boot it: boot.sh's initramfs and checks -------------------------------------------------
rm -f "$config"
trap - EXIT
export KMATRIX_KERNEL=$bzimage KMATRIX_KERNEL_CONFIG=$out/.config
exec "$boot_sh"
