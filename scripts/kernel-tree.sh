#!/usr/bin/env bash
# Extracts from Debian's linux-source-6.12 tarball only what Kconfig and `make *config` read
# (Kconfig files, Makefiles, scripts/, arch/*/configs, kernel/configs, arch/*/tools), into a
# cache folder outside git. Idempotent (a finished tree has a .complete stamp) and atomic
# (extract to a temporary sibling, then rename). Prints the tree's path.
set -euo pipefail
tarball="${KMATRIX_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}"
cache="${KMATRIX_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmatrix/linux-6.12}"
if [ -f "$cache/.complete" ]; then echo "$cache"; exit 0; fi
[ -f "$tarball" ] || { echo "kernel-tree: $tarball missing (apt-get install linux-source-6.12)" >&2; exit 2; }
mkdir -p "$(dirname "$cache")"
tmp="$(mktemp -d "$cache.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --strip-components=1 --wildcards --no-anchored \
  '*Kconfig*' '*Makefile*' '*Kbuild*' '*.include' 'linux-source-6.12/scripts/*' \
  'linux-source-6.12/arch/*/configs/*' 'linux-source-6.12/kernel/configs/*' \
  'linux-source-6.12/arch/*/tools/*'
touch "$tmp/.complete"
# another process may have finished first: keep its tree, drop ours
if mv -T "$tmp" "$cache" 2>/dev/null; then trap - EXIT; else rm -rf "$tmp"; trap - EXIT; fi
echo "$cache"
