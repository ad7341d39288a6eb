# Sourced by the launchers (./gradreg, the bundle's bin/gradreg): JVM memory options sized from the
# memory this process may actually use (issue 22 item 8), instead of a fixed -Xmx8g that a 1.5 GiB
# Slurm --mem or container limit cannot hold.
#
# L = the smallest of the cgroup's limit (v2 memory.max, v1 memory.limit_in_bytes, along the
# process's cgroup path) and the host's MemTotal. Then
#   -Xmx                                 L/4, at least 256 MiB, at most 4 GiB (the Java heap holds the data
#                                        set's bytes and small objects; ND4J's arrays live outside it)
#   -Dorg.bytedeco.javacpp.maxbytes      L - heap - 600 MiB, at least 256 MiB (ND4J's arrays; JavaCPP's
#                                        default would be -Xmx)
#   -Dorg.bytedeco.javacpp.maxphysicalbytes  L - L/32 (the whole process's resident memory: past it an
#                                        allocation fails with an OutOfMemoryError, which gradreg reports
#                                        in one line, rather than the kernel killing the process unannounced)
# Where JAVA_OPTS sizes the heap itself (-Xmx, -XX:MaxRAM..., -XX:MaxHeapSize) none is added (JavaCPP's
# limits then follow that -Xmx, as documented); a property JAVA_OPTS sets is not added again.
# GRADREG_CGROUP_ROOT (tests only) reads /proc and /sys from another root.

# The smallest cgroup memory limit along this process's path, in bytes; nothing if none.
gradreg_cgroup_limit() {
  local root="${GRADREG_CGROUP_ROOT:-}" best="" line id ctrls path mount file dir v part
  [ -r "$root/proc/self/cgroup" ] || return 0
  while IFS= read -r line; do
    id="${line%%:*}"; line="${line#*:}"; ctrls="${line%%:*}"; path="${line#*:}"
    if [[ ",$ctrls," == *,memory,* ]]; then
      mount="$root/sys/fs/cgroup/memory"; file=memory.limit_in_bytes
    elif [ "$id" = 0 ] && [ -z "$ctrls" ]; then
      mount="$root/sys/fs/cgroup"; file=memory.max
      [ -e "$mount/cgroup.controllers" ] || mount="$root/sys/fs/cgroup/unified"
    else
      continue
    fi
    dir="$mount"
    for part in "" ${path//\// }; do
      [ -n "$part" ] && dir="$dir/$part"
      [ -r "$dir/$file" ] || continue
      v="$(cat "$dir/$file" 2>/dev/null)" || continue
      [[ "$v" =~ ^[0-9]+$ ]] || continue                  # "max": no limit
      [ "${#v}" -ge 19 ] && continue                       # v1's "no limit" (about 2^63)
      if [ -z "$best" ] || [ "$v" -lt "$best" ]; then best="$v"; fi
    done
  done < "$root/proc/self/cgroup"
  [ -n "$best" ] && echo "$best"
  return 0
}

# Prints the JVM options, one a line, for JAVA_OPTS="$1".
gradreg_memory_opts() {
  local opts="${1:-}" root="${GRADREG_CGROUP_ROOT:-}" limit total heap off phys
  case " $opts " in *" -Xmx"*|*" -XX:MaxRAM"*|*" -XX:MaxHeapSize"*) return 0 ;; esac
  total="$(awk '/^MemTotal:/ {print $2}' "$root/proc/meminfo" 2>/dev/null || true)"; [ -n "$total" ] && total=$((total * 1024))
  limit="$(gradreg_cgroup_limit)"
  if [ -z "$limit" ] || { [ -n "$total" ] && [ "$total" -lt "$limit" ]; }; then limit="$total"; fi
  [ -n "$limit" ] || return 0                                # nothing known: the JVM's own defaults
  local mib=$((1024 * 1024))
  heap=$((limit / 4)); [ "$heap" -lt $((256 * mib)) ] && heap=$((256 * mib)); [ "$heap" -gt $((4096 * mib)) ] && heap=$((4096 * mib))
  off=$((limit - heap - 600 * mib)); [ "$off" -lt $((256 * mib)) ] && off=$((256 * mib))
  phys=$((limit - limit / 32))
  echo "-Xmx$((heap / mib))m"
  case " $opts " in *"javacpp.maxbytes"*|*"javacpp.maxBytes"*) ;; *) echo "-Dorg.bytedeco.javacpp.maxbytes=$off" ;; esac
  case " $opts " in *"javacpp.maxphysicalbytes"*|*"javacpp.maxPhysicalBytes"*) ;; *) echo "-Dorg.bytedeco.javacpp.maxphysicalbytes=$phys" ;; esac
}
