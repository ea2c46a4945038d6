#!/usr/bin/env bash
# kmatrix command backend: boot a real x86_64 kernel under QEMU with one cell's boot parameters
# and check, from the serial console, what those parameters must do to memory.
#
# The cell arrives only in environment variables (never through a shell string):
#   KMATRIX_CELL_ID, KMATRIX_ARCH, KMATRIX_BOOT, KMATRIX_WORKLOAD, KMATRIX_COMMIT,
#   KMATRIX_MEMORY (bytes), KMATRIX_NODES, KMATRIX_CONFIG_<SYM>=y|n (resolved Kconfig),
#   KMATRIX_KCONFIG ("SYM=y SYM=n": only the symbols the cell itself asks for), KMATRIX_LOG_DIR.
# Knobs: KMATRIX_KERNEL (bzImage, default the newest /boot/vmlinuz-*), KMATRIX_KERNEL_CONFIG,
#   KMATRIX_QEMU (binary), KMATRIX_QEMU_ACCEL (kvm|tcg), KMATRIX_QEMU_TIMEOUT (seconds, 100),
#   KMATRIX_QEMU_CACHE (initramfs cache folder), KMATRIX_BUSYBOX (a static busybox).
# Exit status, as `git bisect run` reads it: 0 every check passed, 1 a check failed (the last line
# says which), 125 the cell cannot be tested here (the last line says why), 255 QEMU itself failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

say() { printf 'kmatrix-qemu: %s\n' "$*"; }
skip() {
  printf 'SKIP: %s\n' "$*"
  exit 125
}
infra() {
  printf 'ERROR: %s\n' "$*"
  exit 255
}

# The kernel's memparse: a number (decimal or 0x hex) with an optional K/M/G/T/P/E suffix.
memparse() {
  local num suffix shift=0
  [[ $1 =~ ^(0[xX][0-9a-fA-F]+|[0-9]+)([KkMmGgTtPpEe]?)$ ]] || return 1
  num=${BASH_REMATCH[1]}
  suffix=${BASH_REMATCH[2]^^}
  case $num in
    0[xX]*) num=$((16#${num:2})) ;;
    *) num=$((10#$num)) ;;
  esac
  case $suffix in
    K) shift=10 ;; M) shift=20 ;; G) shift=30 ;; T) shift=40 ;; P) shift=50 ;; E) shift=60 ;;
  esac
  echo $((num << shift))
}

# ---- the cell -------------------------------------------------------------------------------
cell=${KMATRIX_CELL_ID:-manual}
arch=${KMATRIX_ARCH:-x86_64}
boot=${KMATRIX_BOOT:-}
workload=${KMATRIX_WORKLOAD:-boot}
nodes=${KMATRIX_NODES:-1}
memory=$(memparse "${KMATRIX_MEMORY:-1G}") || skip "KMATRIX_MEMORY=${KMATRIX_MEMORY:-} is not a size"
say "cell $cell: arch $arch, boot \"$boot\", workload $workload, memory $((memory >> 20))M, nodes $nodes, commit ${KMATRIX_COMMIT:-none}"

[ "$arch" = x86_64 ] || skip "arch $arch: this script boots x86_64 kernels only (qemu-system-x86_64)"
case $workload in
  boot | kpageflags | hotplug) ;;
  dma-alloc) skip "workload dma-alloc needs a CMA-backed DMA driver, which the busybox initramfs does not load" ;;
  devdax) skip "workload devdax needs the nd_pmem/dax modules and ndctl, which the busybox initramfs does not have" ;;
  *) skip "workload $workload is not implemented by $0" ;;
esac
[[ $nodes =~ ^[1-9][0-9]*$ ]] || skip "KMATRIX_NODES=$nodes is not a node count"
mem_mb=$((memory >> 20))
[ "$mem_mb" -ge 128 ] || skip "memory $memory bytes: the kernel needs at least 128M to boot"
[ $((mem_mb / nodes)) -ge 64 ] || skip "memory ${mem_mb}M cannot give $nodes nodes 64M each"

# ---- tools and kernel -------------------------------------------------------------------------
qemu=${KMATRIX_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || skip "$qemu not found (Debian package qemu-system-x86)"
command -v timeout >/dev/null || skip "timeout not found (coreutils)"
busybox=${KMATRIX_BUSYBOX:-$(command -v busybox || echo /bin/busybox)}
[ -x "$busybox" ] || skip "no busybox binary (Debian package busybox-static)"
kernel=${KMATRIX_KERNEL:-$(ls -1v /boot/vmlinuz-* 2>/dev/null | tail -n 1 || true)}
[ -n "$kernel" ] || skip "no kernel: no /boot/vmlinuz-* (Debian package linux-image-amd64) and KMATRIX_KERNEL is not set"
[ -r "$kernel" ] || skip "kernel $kernel is missing or unreadable"

kconfig_file=${KMATRIX_KERNEL_CONFIG:-}
if [ -z "$kconfig_file" ]; then
  base=$(basename "$kernel")
  for candidate in "/boot/config-${base#vmlinuz-}" "$(dirname "$kernel")/../../../.config" "$(dirname "$kernel")/.config"; do
    if [ -r "$candidate" ]; then
      kconfig_file=$candidate
      break
    fi
  done
fi

# y, m or n as the kernel was built; empty when the symbol does not exist in its .config.
kernel_config() {
  local line
  line=$(grep -E "^(CONFIG_$1=|# CONFIG_$1 is not set)" "$kconfig_file" | head -n 1 || true)
  case $line in
    "# CONFIG_"*) echo n ;;
    *=y) echo y ;;
    *=m) echo m ;;
    *=*) echo y ;;
    *) echo "" ;;
  esac
}

# A fixed kernel cannot take another configuration: a cell asking for one is untestable.
# KMATRIX_KCONFIG lists what the cell asked for; without it the resolved KMATRIX_CONFIG_* values
# (which include the model's defaults) are only compared and noted.
config_mismatch() {
  local sym=$1 want=$2 have
  have=$(kernel_config "$sym")
  case $want:$have in
    y:y | n:n | n:m | n:) return 1 ;;
    y:m) echo "$sym=y requested but $kconfig_file builds it as a module, and the initramfs loads no modules" ;;
    y:) echo "$sym=y requested but $sym does not exist in $kconfig_file" ;;
    *) echo "$sym=$want requested but $kconfig_file has $sym=$have" ;;
  esac
}
if [ -n "${KMATRIX_KCONFIG+set}" ]; then
  read -r -a pairs <<<"${KMATRIX_KCONFIG//,/ }"
  for pair in "${pairs[@]}"; do
    [[ $pair =~ ^([A-Z0-9_]+)=([yn])$ ]] || skip "KMATRIX_KCONFIG entry \"$pair\" is not SYM=y or SYM=n"
    [ -n "$kconfig_file" ] || skip "cannot check $pair: no .config for $kernel (set KMATRIX_KERNEL_CONFIG)"
    if why=$(config_mismatch "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"); then
      skip "$why (point KMATRIX_KERNEL at a kernel built that way)"
    fi
  done
elif [ -n "$kconfig_file" ]; then
  for var in $(compgen -v KMATRIX_CONFIG_ || true); do
    sym=${var#KMATRIX_CONFIG_}
    [[ $sym =~ ^[A-Z0-9_]+$ ]] || continue
    if why=$(config_mismatch "$sym" "${!var}"); then say "note: kernel differs from the resolved config: $why"; fi
  done
fi

# ---- what the boot parameters must do --------------------------------------------------------
mem_cap=""
pmem=()    # "start end label" of each memmap=nn!ss range
movable="" # the movablecore= or kernelcore= word when it asks for a Movable zone
numa_off=""
fake_nodes=""
hugepages=""  # hugepages=N of the default huge page size
hugepage_sizes="" # a hugepagesz= or default_hugepagesz= word: counts per size are not checked
init_alloc="" # on|off from init_on_alloc=
init_free=""  # on|off from init_on_free=
cma_size=""   # bytes from a plain cma=SIZE

# The kernel's kstrtobool, as init_on_alloc= and init_on_free= read their value: on or off.
onoff() {
  case $1 in
    [yY1]* | [oO][nN]*) echo on ;;
    [nN0]* | [oO][fF]*) echo off ;;
    *) return 1 ;;
  esac
}
read -r -a words <<<"${boot//$'\n'/ }"
for word in "${words[@]}"; do
  case $word in
    mem=*)
      if size=$(memparse "${word#mem=}") && [ "$size" -gt 0 ]; then mem_cap=$size; else say "note: $word is not a size; the kernel ignores it"; fi
      ;;
    memmap=*)
      IFS=, read -r -a items <<<"${word#memmap=}"
      for item in "${items[@]}"; do
        if [[ $item =~ ^([^!]+)!(.+)$ ]] && size=$(memparse "${BASH_REMATCH[1]}") && start=$(memparse "${BASH_REMATCH[2]}") && [ "$size" -gt 0 ]; then
          pmem+=("$start $((start + size - 1)) memmap=$item")
        fi
      done
      ;;
    movablecore=* | kernelcore=*)
      value=${word#*=}
      if [[ $value =~ ^[1-9][0-9]*%$ ]] || { size=$(memparse "$value") && [ "$size" -gt 0 ]; }; then
        movable=$word
      else
        say "note: $word: only a size or a percentage is checked"
      fi
      ;;
    hugepages=*)
      value=${word#hugepages=}
      if [[ $value =~ ^[0-9]+$ ]]; then hugepages=$((10#$value)); else say "note: $word is not a count"; fi
      ;;
    hugepagesz=* | default_hugepagesz=*) hugepage_sizes=$word ;;
    init_on_alloc=*) init_alloc=$(onoff "${word#*=}") || say "note: $word: the kernel reads no on/off in it" ;;
    init_on_free=*) init_free=$(onoff "${word#*=}") || say "note: $word: the kernel reads no on/off in it" ;;
    cma=*)
      if size=$(memparse "${word#cma=}") && [ "$size" -gt 0 ]; then
        cma_size=$size
      else
        say "note: $word: only a plain cma=SIZE is checked"
      fi
      ;;
    numa=off) numa_off=1 ;;
    numa=fake=*)
      value=${word#numa=fake=}
      if [[ $value =~ ^[1-9][0-9]*$ ]]; then fake_nodes=$value; else say "note: $word: only a plain node count is checked"; fi
      ;;
  esac
done
expect_nodes=$nodes
[ -n "$fake_nodes" ] && expect_nodes=$fake_nodes
[ -n "$numa_off" ] && expect_nodes=1

# ---- initramfs: busybox + /init, cached; a per-cell archive carries the workload -------------
# The cell's folder is named by this shell's pid: one left by a cell killed outright (SIGKILL,
# which no trap sees) is removed by the next cell once its pid is gone.
for old in "${TMPDIR:-/tmp}"/kmatrix-qemu-cell.*; do
  [[ $old =~ \.([0-9]+)\.[^./]+$ ]] || continue
  kill -0 "${BASH_REMATCH[1]}" 2>/dev/null || rm -rf "$old"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/kmatrix-qemu-cell.$$.XXXXXX")
qpid=""
cleanup() {
  # `|| true`: under set -e a failed kill (QEMU already gone) would end the trap before the rm
  if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# Ctrl-C or SIGTERM before QEMU runs: exit through the EXIT trap (a second signal is ignored)
trap 'trap "" TERM INT; say "interrupted"; exit 143' TERM INT

# newc cpio written by hand, so that /dev/console is a device node without root privileges.
cpio_ino=0
cpio_pad() {
  local n=$(((4 - $1 % 4) % 4))
  if [ "$n" -gt 0 ]; then head -c "$n" /dev/zero; fi
}
# cpio_entry NAME MODE [FILE [RDEV_MAJOR RDEV_MINOR]]
cpio_entry() {
  local name=$1 mode=$2 file=${3:-} size=0 namesize=$((${#1} + 1))
  if [ -n "$file" ]; then size=$(stat -c %s "$file"); fi
  cpio_ino=$((cpio_ino + 1))
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    "$cpio_ino" "$mode" 0 0 1 0 "$size" 0 0 "${4:-0}" "${5:-0}" "$namesize" 0
  printf '%s\0' "$name"
  cpio_pad $((110 + namesize))
  if [ -n "$file" ]; then
    cat "$file"
    cpio_pad "$size"
  fi
}
DIR=$((8#040755)) EXE=$((8#100755)) REG=$((8#100644)) CHR=$((8#020600))

cache=${KMATRIX_QEMU_CACHE:-${TMPDIR:-/tmp}/kmatrix-qemu-$(id -u)}
mkdir -p "$cache"
key=$({ stat -c '%n %s %Y' "$kernel"; sha256sum "$busybox" "$here/guest-init.sh"; } | sha256sum | cut -c1-16)
base_cpio=$cache/initramfs-$key.cpio
if [ ! -s "$base_cpio" ]; then
  {
    for d in bin dev proc sys tmp kmatrix; do cpio_entry "$d" "$DIR"; done
    cpio_entry dev/console "$CHR" "" 5 1
    cpio_entry bin/busybox "$EXE" "$busybox"
    cpio_entry init "$EXE" "$here/guest-init.sh"
    cpio_entry 'TRAILER!!!' 0
  } >"$base_cpio.$$"
  mv -f "$base_cpio.$$" "$base_cpio" # atomic: concurrent cells may build the same key
  say "built initramfs $base_cpio"
fi
printf '%s\n' "$workload" >"$work/workload"
{
  cat "$base_cpio"
  cpio_entry kmatrix/workload "$REG" "$work/workload"
  cpio_entry 'TRAILER!!!' 0
} >"$work/initrd.cpio"

# ---- QEMU ------------------------------------------------------------------------------------
# KVM is used when a test boot under it reaches /init: on some hosts (nested virtualisation)
# /dev/kvm opens but a guest hangs. The answer is kept per host boot and kernel.
kvm_usable() {
  [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
  local stamp
  stamp=$cache/kvm-$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)-$key
  if [ ! -f "$stamp.yes" ] && [ ! -f "$stamp.no" ]; then
    if timeout --foreground -k 2 20 "$qemu" -accel kvm -m 256M -smp 1 -kernel "$kernel" -initrd "$base_cpio" \
      -append "console=ttyS0 panic=-1" -nographic -no-reboot -nic none </dev/null 2>/dev/null |
      grep -a '^kmatrix: end' >/dev/null; then
      touch "$stamp.yes"
    else
      touch "$stamp.no"
    fi
  fi
  [ -f "$stamp.yes" ]
}
if [ -n "${KMATRIX_QEMU_ACCEL:-}" ]; then
  accel=(-accel "$KMATRIX_QEMU_ACCEL")
elif kvm_usable; then
  accel=(-accel kvm)
else
  accel=(-accel tcg)
fi
numa=()
if [ "$nodes" -gt 1 ]; then
  per=$((mem_mb / nodes))
  for ((i = 0; i < nodes; i++)); do
    size=$per
    [ "$i" -eq $((nodes - 1)) ] && size=$((mem_mb - per * (nodes - 1)))
    numa+=(-object "memory-backend-ram,id=mem$i,size=${size}M" -numa "node,nodeid=$i,memdev=mem$i")
    [ "$i" -eq 0 ] && numa[${#numa[@]} - 1]+=",cpus=0"
  done
fi
cmdline="console=ttyS0 panic=-1 $boot" # one argument to -append, never evaluated
argv=("$qemu" "${accel[@]}" -m "${mem_mb}M" -smp 1 "${numa[@]}" -kernel "$kernel" -initrd "$work/initrd.cpio"
  -append "$cmdline" -nographic -no-reboot -nic none)
guard=${KMATRIX_QEMU_TIMEOUT:-100}
say "$(printf '%q ' "${argv[@]}")"

# In the background, so that a SIGTERM from kmatrix runs the trap while we wait. --foreground
# keeps QEMU in our process group, which kmatrix kills as a whole at its own timeout.
timeout --foreground -k 5 "$guard" "${argv[@]}" </dev/null >"$work/console.raw" 2>"$work/qemu.err" &
qpid=$!
emit_console() {
  # drop carriage returns and SeaBIOS's terminal resets, so that the log reads as plain text
  tr -d '\r' <"$work/console.raw" | sed -E 's/\x1b(\[[0-9;?]*[A-Za-z]|c)//g' >"$work/console.log"
  cat "$work/console.log"
  sed 's/^/qemu: /' "$work/qemu.err"
}
# a second signal while this runs is ignored, so that the EXIT trap still removes the cell's folder
trap 'trap "" TERM INT; kill "$qpid" 2>/dev/null || true; emit_console; say "interrupted"; exit 143' TERM INT
qrc=0
wait "$qpid" || qrc=$?
qpid=""
trap - TERM INT
emit_console
log=$work/console.log

# ---- verdict ---------------------------------------------------------------------------------
started=$(grep -c -E 'Linux version|^kmatrix: ' "$log" || true)
if [ "$qrc" -ne 0 ] && [ "$qrc" -ne 124 ] && [ "$qrc" -ne 137 ] && [ "$started" -eq 0 ]; then
  infra "QEMU exited with status $qrc before the kernel started: $(head -n 1 "$work/qemu.err")"
fi

failures=()
check_ok() { say "check ok: $*"; }
check_fail() {
  say "check FAIL: $*"
  failures+=("$*")
}

# Kernel reports: the first panic, BUG, Oops or WARNING line (not our own lines, not the echo of
# the command line).
report=$(grep -v -E '^kmatrix|Kernel command line:' "$log" |
  grep -m 1 -E 'Kernel panic - not syncing|BUG:|kernel BUG at|\<Oops\>|WARNING: CPU: [0-9]+ PID: [0-9]+|general protection fault|Unable to handle kernel' || true)
if [ -n "$report" ]; then check_fail "kernel reported: ${report#\[*\] }"; fi
# A plain "WARNING:" text (pr_warn, no WARN() backtrace) is noted, not failed: the Debian kernel
# prints one for CPU-less NUMA nodes ("workqueue cpumask: online intersect > possible intersect").
grep -v -E '^kmatrix|WARNING: CPU:' "$log" | grep -E 'WARNING:' | sort -u | sed 's/^\[[^]]*\] */kmatrix-qemu: note: kernel warning (not a WARN splat): /' || true

if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
  check_fail "no result within ${guard}s: the guest hung and QEMU was killed"
elif ! grep -q '^kmatrix: end' "$log"; then
  [ "$qrc" -eq 0 ] || infra "QEMU exited with status $qrc during the boot: $(head -n 1 "$work/qemu.err")"
  [ -n "$report" ] || check_fail "the guest stopped before /init finished (no 'kmatrix: end' line)"
fi

# The Kconfig symbols a boot parameter needs: a kernel built without them does not know it.
param_needs() {
  case $1 in
    cma) echo CMA DMA_CMA ;;
    hugepages | hugepagesz | default_hugepagesz) echo HUGETLBFS HUGETLB_PAGE ;;
    numa) echo NUMA ;;
    page_alloc.shuffle) echo SHUFFLE_PAGE_ALLOCATOR ;;
  esac
}
# A parameter the kernel reports it does not know did nothing: the cell is untestable here when
# the kernel was built without what it needs (the CONFIG_ named), and fails otherwise.
unknown=$(sed -n 's/.*Unknown kernel command line parameters "\(.*\)", will be passed to user space.*/\1/p' "$log" |
  head -n 1)
untestable=""
if [ -n "$unknown" ]; then
  read -r -a unknown_words <<<"$unknown"
  for word in "${unknown_words[@]}"; do
    off=""
    for sym in $(param_needs "${word%%=*}"); do
      if [ -n "$kconfig_file" ] && [ "$(kernel_config "$sym")" != y ]; then
        off=$sym
        break
      fi
    done
    if [ -n "$off" ]; then
      untestable+="${untestable:+; }$word: the kernel ignored it: CONFIG_$off is not set in $kconfig_file"
    else
      check_fail "the kernel does not know $word (it reported it unknown and passed it to user space)"
    fi
  done
fi
# nothing else is worth checking when a parameter the cell is about did nothing (a panic still fails)
[ -z "$untestable" ] || [ ${#failures[@]} -gt 0 ] || skip "$untestable"

if grep -q '^kmatrix: end' "$log"; then
  memtotal=$(sed -n '/^kmatrix-meminfo: MemTotal:/ { s/^kmatrix-meminfo: MemTotal: *\([0-9]*\) kB.*/\1/p; q; }' "$log")
  if [ -z "$memtotal" ]; then
    check_fail "no MemTotal in /proc/meminfo"
  elif [ $((memtotal * 1024)) -gt "$memory" ]; then
    check_fail "MemTotal $memtotal kB exceeds the machine's $((memory >> 10)) kB"
  elif [ -n "$mem_cap" ] && [ $((memtotal * 1024)) -gt "$mem_cap" ]; then
    check_fail "MemTotal $memtotal kB exceeds mem= cap of $((mem_cap >> 10)) kB"
  elif [ -n "$mem_cap" ]; then
    check_ok "mem= caps MemTotal ($memtotal kB <= $((mem_cap >> 10)) kB)"
  else
    check_ok "MemTotal $memtotal kB within the machine's $((memory >> 10)) kB"
  fi

  # memmap=nn!ss: e820 marks [ss, ss+nn) persistent (type 12), possibly merged with neighbours or
  # split into adjacent entries: adjacent and overlapping ranges are merged before the check.
  ranges=$(sed -n 's/.*\[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\] persistent (type 12).*/\1 \2/p' "$log" |
    while read -r rs re; do echo "$((rs)) $((re))"; done | sort -n -u |
    awk '{ if (n && $1 <= e + 1) { if ($2 > e) e = $2 } else { if (n) print s, e; s = $1; e = $2; n = 1 } }
      END { if (n) print s, e }' |
    while read -r rs re; do printf '0x%016x 0x%016x\n' "$rs" "$re"; done)
  for entry in "${pmem[@]}"; do
    read -r start end label <<<"$entry"
    found=""
    while read -r rs re; do
      if [ -n "$rs" ] && [ $((rs)) -le "$start" ] && [ "$end" -le $((re)) ]; then found="$rs-$re"; fi
    done <<<"$ranges"
    range=$(printf '0x%016x-0x%016x' "$start" "$end")
    if [ -n "$found" ]; then
      check_ok "$label: e820 persistent (type 12) range $found covers $range"
    else
      check_fail "$label: no e820 persistent (type 12) range covers $range in dmesg"
    fi
  done

  if [ -n "$movable" ]; then
    # no grep -q after a pipe: under pipefail its early exit would fail the first grep
    if grep -A 8 'Movable zone start for each node' "$log" | grep -E '^(\[ *[0-9.]+\] )? +Node [0-9]+: 0x' >/dev/null ||
      grep -q -E '^kmatrix-zone: Node [0-9]+, zone +Movable present [1-9]' "$log"; then
      check_ok "$movable created a Movable zone"
    else
      check_fail "$movable: no Movable zone (dmesg 'Movable zone start' lists no node, /proc/zoneinfo Movable is empty)"
    fi
  fi

  meminfo() { sed -n "/^kmatrix-meminfo: $1:/ { s/^kmatrix-meminfo: $1: *\([0-9]*\).*/\1/p; q; }" "$log"; }
  if [ -n "$hugepages" ] && [ -z "$hugepage_sizes" ]; then
    total=$(meminfo HugePages_Total)
    if [ "${total:-none}" = "$hugepages" ]; then
      check_ok "hugepages=$hugepages: HugePages_Total $total"
    else
      check_fail "hugepages=$hugepages: HugePages_Total is ${total:-missing} in /proc/meminfo"
    fi
  elif [ -n "$hugepages" ]; then
    say "note: hugepages=$hugepages with $hugepage_sizes: counts per page size are not checked"
  fi

  if [ -n "$cma_size" ]; then
    cma_kb=$(meminfo CmaTotal)
    if [ "${cma_kb:-none}" = $((cma_size >> 10)) ]; then
      check_ok "cma=$((cma_size >> 20))M: CmaTotal $cma_kb kB"
    else
      check_fail "cma=$((cma_size >> 20))M: CmaTotal is ${cma_kb:-missing} kB in /proc/meminfo, not $((cma_size >> 10))"
    fi
  fi

  # init_on_alloc= / init_on_free=: mm_core_init prints "mem auto-init: stack:..., heap alloc:on, heap free:off"
  autoinit=$(grep -m 1 -o 'mem auto-init: .*' "$log" || true)
  for pair in "init_on_alloc alloc $init_alloc" "init_on_free free $init_free"; do
    read -r param what want <<<"$pair"
    [ -n "${want:-}" ] || continue
    have=$(sed -n "s/.*heap $what:\(on\|off\).*/\1/p" <<<"$autoinit")
    if [ "$have" = "$want" ]; then
      check_ok "$param: heap $what:$have (dmesg '$autoinit')"
    else
      check_fail "$param asks for heap $what:$want, the kernel says '${autoinit:-no mem auto-init line}'"
    fi
  done

  got_nodes=$(grep -c '^kmatrix-node: node[0-9]' "$log" || true)
  if [ "$got_nodes" -eq "$expect_nodes" ]; then
    check_ok "$got_nodes NUMA node(s) in /sys/devices/system/node"
  else
    why="expected $expect_nodes"
    [ -n "$fake_nodes" ] && why="numa=fake=$fake_nodes expects $fake_nodes"
    check_fail "$got_nodes NUMA node(s) in /sys/devices/system/node, $why"
  fi

  result=$(sed -n '/^kmatrix-workload: / { s///p; q; }' "$log")
  case $result in
    ok\ *) check_ok "workload $workload: ${result#ok }" ;;
    fail\ *) check_fail "workload $workload: ${result#fail }" ;;
    skip\ *) [ ${#failures[@]} -gt 0 ] || skip "workload $workload: ${result#skip }" ;;
    *) check_fail "workload $workload printed no result" ;;
  esac
fi

if [ ${#failures[@]} -gt 0 ]; then
  printf 'FAIL: %s\n' "${failures[0]}"
  exit 1
fi
printf 'PASS: %s booted with "%s"\n' "$(basename "$kernel")" "$boot"
