#!/usr/bin/env bash
# Extracts Debian's linux-source-6.12 tarball into a cache folder outside git:
#   kernel-tree.sh         only what Kconfig and `make *config` read (Kconfig files, Makefiles,
#                          scripts/, arch/*/configs, kernel/configs, arch/*/tools), in linux-6.12
#   kernel-tree.sh --full  the whole tree, what a kernel build needs (matrices/kernel/build.sh,
#                          scripts/kernel-regression-repo.sh), in linux-6.12-src; never built in
#                          place: builds use `make O=<folder>`
# Idempotent (a finished tree has a .complete stamp) and atomic (extract to a temporary sibling,
# then rename). Prints the tree's path.
set -euo pipefail
tarball="${KMATRIX_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}"
caches="${XDG_CACHE_HOME:-$HOME/.cache}/kmatrix"
if [ "${1:-}" = --full ]; then
  cache="${KMATRIX_KERNEL_SRC:-$caches/linux-6.12-src}"
  only=()
else
  cache="${KMATRIX_KERNEL_CACHE:-$caches/linux-6.12}"
  only=(--wildcards --no-anchored
    '*Kconfig*' '*Makefile*' '*Kbuild*' '*.include' 'linux-source-6.12/scripts/*'
    'linux-source-6.12/arch/*/configs/*' 'linux-source-6.12/kernel/configs/*'
    'linux-source-6.12/arch/*/tools/*')
fi
if [ -f "$cache/.complete" ]; then echo "$cache"; exit 0; fi
[ -f "$tarball" ] || { echo "kernel-tree: $tarball missing (apt-get install linux-source-6.12)" >&2; exit 2; }
mkdir -p "$(dirname "$cache")"
tmp="$(mktemp -d "$cache.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --strip-components=1 "${only[@]}"
touch "$tmp/.complete"
# another process may have finished first: keep its tree, drop ours
if mv -T "$tmp" "$cache" 2>/dev/null; then trap - EXIT; else rm -rf "$tmp"; trap - EXIT; fi
echo "$cache"
