#!/usr/bin/env bash
# Builds a local git repository from Debian's linux-source-6.12 with a real historical mm
# regression in it, for bisecting with matrices/kernel/build.sh:
#   base      the 6.12 tree as Debian ships it (tag `base`)
#   37 commits of harmless comment and documentation edits spread over the tree, some in mm/
#   one of them (the 24th) re-introduces the bug that upstream commit f81f6e4b5eed
#             ("hugetlb: fix return value of __setup handlers", v5.19) fixed: the hugetlb boot
#             parameter handlers return 0 again for a value they reject, so the kernel reports
#             the whole parameter unknown and passes it to init (`hugepagesz=1Y hugepages=1` ->
#             `Unknown kernel command line parameters "hugepagesz=1Y hugepages=1"`)
#   tip       the last commit (tag `tip`)
# Its commits are made with plumbing from the extracted tree (which is never modified), with fixed
# authors and dates: the same input gives the same commit ids. Nothing is checked out in the
# repository: kmatrix and `git worktree add` check commits out elsewhere.
# Usage: kernel-regression-repo.sh [DEST] (default ~/.cache/kmatrix/linux-6.12-regression.git);
# prints DEST. Idempotent: a finished repository (tag `tip`) is left as it is.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/kmatrix/linux-6.12-regression.git}
if git --git-dir="$dest/.git" rev-parse -q --verify refs/tags/tip >/dev/null 2>&1; then
  echo "$dest"
  exit 0
fi
src=$("$here/kernel-tree.sh" --full)
rm -rf "$dest.tmp"
git init -q "$dest.tmp"
export GIT_DIR=$dest.tmp/.git GIT_INDEX_FILE=$dest.tmp/.git/kmatrix-index
export GIT_AUTHOR_NAME="kmatrix" GIT_AUTHOR_EMAIL="kmatrix@example.invalid"
export GIT_COMMITTER_NAME="kmatrix" GIT_COMMITTER_EMAIL="kmatrix@example.invalid"
when=1735689600 # 2025-01-01T00:00:00Z, one minute more per commit
head=""
commit() { # commit SUBJECT [BODY]: the index as the next commit
  local tree msg
  tree=$(git write-tree)
  msg=$1${2:+$'\n\n'$2}
  export GIT_AUTHOR_DATE="@$when +0000" GIT_COMMITTER_DATE="@$when +0000"
  when=$((when + 60))
  head=$(git commit-tree "$tree" ${head:+-p "$head"} <<<"$msg")
}
# put FILE CONTENT-FILE: stage new content for a path
put() {
  local blob mode
  mode=$(git ls-files -s -- "$1" | cut -d' ' -f1)
  blob=$(git hash-object -w --path="$1" "$2")
  git update-index --cacheinfo "$mode,$blob,$1"
}

echo "kernel-regression-repo: base commit of $src (about a minute)" >&2
# -f: Debian's top-level .gitignore ignores everything at the top level (its packaging repo)
(cd "$src" && GIT_WORK_TREE=$src git add -A -f && git rm -q --cached .complete)
commit "Linux 6.12 (Debian linux-source-6.12)" "The tree of /usr/src/linux-source-6.12.tar.xz as it is."
git tag base "$head"

scratch=$(mktemp)
trap 'rm -f "$scratch"' EXIT
# A harmless edit: one comment line at the end of a C file or header, one line of text at the
# end of a document. Builds are unchanged but for the files recompiled.
edit() { # edit PATH SUBJECT
  local path=$1 line
  case $path in
    *.c | *.h) line="/* $2 */" ;;
    *) line=".. $2" ;;
  esac
  git cat-file blob ":$path" >"$scratch"
  printf '%s\n' "$line" >>"$scratch"
  put "$path" "$scratch"
  # the subject names the file as the kernel's do: "mm/vmscan: ...", "Documentation/mm: ..."
  case $path in
    *.c | *.h) commit "${path%.*}: $2" ;;
    *) commit "${path%/*}: $2" ;;
  esac
}
# the regression: undo f81f6e4b5eed in mm/hugetlb.c (its 8 return statements back to 0)
regress() {
  git cat-file blob :mm/hugetlb.c >"$scratch"
  perl -0pi -e '
    my $n = 0;
    $n += s/(valid hugepagesz, ignoring\\n", s\);\n\t\tparsed_valid_hugepagesz = true;\n\t\treturn) 1;/$1 0;/;
    $n += s/(interleaving hugepagesz=, ignoring hugepages=%s\\n", s\);\n\t\treturn) 1;/$1 0;/;
    $n += s/(can.t support node specific alloc, ignoring!\\n"\);\n\t\t\t\treturn) 1;/$1 0;/;
    $n += s/(\thugepages_clear_pages_in_node\(\);\n\treturn) 1;/$1 0;/;
    $n += s/(unsupported hugepagesz=%s\\n", s\);\n\t\treturn) 1;/$1 0;/;
    $n += s/(hugepagesz=%s specified twice, ignoring\\n", s\);\n\t\t\treturn) 1;/$1 0;/;
    $n += s/(default_hugepagesz previously specified, ignoring %s\\n", s\);\n\t\treturn) 1;/$1 0;/;
    $n += s/(unsupported default_hugepagesz=%s\\n", s\);\n\t\treturn) 1;/$1 0;/;
    $n == 8 or die "kernel-regression-repo: only $n of the 8 return statements of f81f6e4b5eed found\n";
  ' "$scratch"
  put mm/hugetlb.c "$scratch"
  commit "mm/hugetlb: return 0 from the __setup handlers for values they reject" \
    "Re-introduces, on purpose, the bug fixed upstream by
commit f81f6e4b5eedb41045fd0ccc8ea31f4f07ce0993 (\"hugetlb: fix return value of __setup
handlers\", Peng Liu, v5.19; the upstream commit carries no Fixes: tag). A __setup handler
that returns 0 tells the kernel it did not handle the parameter, so a rejected hugetlb value
is reported again as an unknown parameter and passed to init:

  cmdline: hugepagesz=1Y hugepages=1
  HugeTLB: unsupported hugepagesz=1Y
  HugeTLB: hugepages=1 does not follow a valid hugepagesz, ignoring
  Unknown kernel command line parameters \"hugepagesz=1Y hugepages=1\"

matrices/qemu/boot.sh fails a cell whose parameter the kernel reports unknown."
}

files=(
  mm/vmscan.c mm/compaction.c Documentation/admin-guide/mm/hugetlbpage.rst mm/page_alloc.c
  kernel/fork.c Documentation/admin-guide/kernel-parameters.rst mm/memblock.c fs/proc/meminfo.c
  init/main.c mm/mm_init.c Documentation/mm/memory-model.rst lib/string.c mm/sparse.c
  arch/x86/kernel/e820.c kernel/printk/printk.c mm/memory_hotplug.c
  Documentation/admin-guide/mm/numa_memory_policy.rst
  mm/slub.c drivers/tty/serial/8250/8250_core.c mm/percpu.c include/linux/mmzone.h mm/vmalloc.c
  fs/exec.c
  REGRESSION
  mm/mmap.c kernel/sched/core.c Documentation/admin-guide/mm/memory-hotplug.rst mm/filemap.c
  lib/vsprintf.c mm/rmap.c arch/x86/mm/init_64.c mm/shmem.c Documentation/mm/page_tables.rst
  mm/numa_memblks.c kernel/panic.c mm/gup.c fs/sysfs/file.c mm/page_isolation.c
)
n=0
for path in "${files[@]}"; do
  if [ "$path" = REGRESSION ]; then
    regress
  else
    n=$((n + 1))
    edit "$path" "comment touch-up ($n)"
  fi
done
git tag tip "$head"
git update-ref refs/heads/master "$head"
rm -f "$GIT_INDEX_FILE"
git gc -q --auto
mv -T "$dest.tmp" "$dest"
echo "$dest"
