#!/bin/busybox sh
# /init of the busybox initramfs that boot.sh builds. It only reports what the kernel did;
# boot.sh reads this output from the serial console and decides pass or fail.
# Every report line starts with "kmatrix" so that boot.sh can tell it from kernel messages.
# The workload to run comes from /kmatrix/workload (a per-cell archive appended by boot.sh),
# so the kernel command line stays exactly the cell's.

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# From here only warnings and worse reach the console (a BUG or WARNING still shows at once);
# the informational lines the checks need are printed from dmesg below.
echo 5 >/proc/sys/kernel/printk

workload=$(cat /kmatrix/workload 2>/dev/null || echo boot)
echo "kmatrix: init started, workload $workload"
echo "kmatrix: cmdline $(cat /proc/cmdline)"
sed 's/^/kmatrix-meminfo: /' /proc/meminfo
for n in /sys/devices/system/node/node[0-9]*; do
  [ -d "$n" ] && echo "kmatrix-node: ${n##*/}"
done
awk '/^Node/ { zone = $0 } /^ +present / { print "kmatrix-zone: " zone " present " $2 }' /proc/zoneinfo

# kpageflags: read the flags of every pfn below max_pfn, as tools/mm/page-types does.
run_kpageflags() {
  if [ ! -r /proc/kpageflags ]; then
    echo "kmatrix-workload: skip /proc/kpageflags is missing (CONFIG_PROC_PAGE_MONITOR=n)"
    return
  fi
  bytes=$(cat /proc/kpageflags | wc -c)
  echo "kmatrix-workload: ok read the flags of $((bytes / 8)) pfns from /proc/kpageflags"
}

# hotplug: offline and online again the memory blocks of the Movable zone, a few rounds.
run_hotplug() {
  offlined=0
  stuck=""
  unplugable=""
  for round in 1 2 3; do
    for block in /sys/devices/system/memory/memory[0-9]*; do
      grep -q Movable "$block/valid_zones" 2>/dev/null || continue
      [ "$(cat "$block/state")" = online ] || continue
      case " $unplugable " in *" $block "*) continue ;; esac
      # offlining races with pages still settling after boot (transient EBUSY): try a few times;
      # a block with a hole (the last one, below the BIOS reservation) never offlines
      tries=0
      until echo offline >"$block/state" 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -ge 3 ]; then
          unplugable="$unplugable $block"
          continue 2
        fi
        sleep 1
      done
      offlined=$((offlined + 1))
      echo online_movable >"$block/state" 2>/dev/null || echo online >"$block/state" 2>/dev/null ||
        stuck="$stuck ${block##*/}"
    done
  done
  if [ -n "$stuck" ]; then
    echo "kmatrix-workload: fail memory blocks offlined but not onlined again:$stuck"
  elif [ "$offlined" -eq 0 ]; then
    echo "kmatrix-workload: skip no Movable memory block could be offlined (boot with movablecore=)"
  else
    echo "kmatrix-workload: ok offlined and onlined $offlined Movable memory blocks"
  fi
}

case "$workload" in
  boot) echo "kmatrix-workload: ok booted to userspace" ;;
  kpageflags) run_kpageflags ;;
  hotplug) run_hotplug ;;
  *) echo "kmatrix-workload: skip workload $workload is not implemented in the guest" ;;
esac

echo "kmatrix: dmesg begin"
dmesg | grep -E 'e820|user: \[mem|Movable|Zone ranges|zone|NUMA|Faking node|node [0-9]|Memory:|BUG|WARNING|Oops|Call Trace|Kernel panic|Unknown kernel command line|mem auto-init|Offlined|Onlined|  Node [0-9]+: 0x'
echo "kmatrix: dmesg end"
echo "kmatrix: end"
poweroff -f
reboot -f
