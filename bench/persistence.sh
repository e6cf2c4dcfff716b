#!/usr/bin/env bash
# Persistence figures, RedGrid against a real redis-server on this machine, in one run:
#   - redis-benchmark -t set -c 50 -P 1 / -P 16 with appendonly yes under each appendfsync policy;
#   - restart time with 1M keys of 100-byte strings, from the AOF and from an RDB.
# Usage: bench/persistence.sh [requests]   (default 200000). Prints a table; needs redis-server,
# redis-benchmark and redis-cli (apt-get install redis-server redis-tools).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests="${1:-200000}"
keys="${KEYS:-1000000}"
jar="$here/cluster/target/redgrid-server.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q -B -DskipTests package)

redis_port=7601
redgrid_port=7602
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start() { # side dir args...
  local side=$1 dir=$2; shift 2
  if [ "$side" = redis ]; then
    redis-server --port $redis_port --dir "$dir" "$@" --logfile "$dir/server.log" &
  else
    "$here/redgrid-server" --port $redgrid_port --dir "$dir" "$@" > "$dir/server.log" 2>&1 &
  fi
  pids+=($!)
  local port; port=$(port_of "$side")
  until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do sleep 0.05; done
}
port_of() { [ "$1" = redis ] && echo $redis_port || echo $redgrid_port; }
stop() { redis-cli -p "$(port_of "$1")" shutdown nosave >/dev/null 2>&1 || true; sleep 1; }
rps() { # side pipeline
  redis-benchmark -p "$(port_of "$1")" -t set -c 50 -P "$2" -n "$requests" -r 100000 -q 2>/dev/null \
    | tr '\r' '\n' | grep -E '^SET: [0-9.]+ requests' | tail -1 | awk '{print $2}'
}

printf '%-10s %-4s %14s %14s %7s\n' fsync P redis-rps redgrid-rps ratio
for fsync in always everysec no; do
  declare -A result=()
  for side in redis redgrid; do
    dir=$(mktemp -d)
    start $side "$dir" --appendonly yes --appendfsync $fsync --save ""
    # The JVM needs a warm-up before its figures mean anything; Redis gets the same run.
    redis-benchmark -p "$(port_of $side)" -t set -c 50 -P 16 -n "$requests" -q >/dev/null 2>&1
    for p in 1 16; do result[$side.$p]=$(rps $side $p); done
    stop $side
    rm -rf "$dir"
  done
  for p in 1 16; do
    printf '%-10s %-4s %14s %14s %7s\n' $fsync $p "${result[redis.$p]}" "${result[redgrid.$p]}" \
      "$(awk -v a="${result[redgrid.$p]}" -v b="${result[redis.$p]}" 'BEGIN{printf "%.2f", a/b}')"
  done
done

# Restart with 1M keys of 100-byte strings.
load() { # port
  local value; value=$(head -c 100 /dev/zero | tr '\0' 'v')
  awk -v n=$keys -v v="$value" 'BEGIN{for(i=0;i<n;i++) printf "*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$100\r\n%s\r\n", length("key:" i), i, v}' \
    | redis-cli -p "$1" --pipe >/dev/null
}
restart_time() { # side mode
  local side=$1 mode=$2 dir; dir=$(mktemp -d)
  local args=(--save "")
  [ "$mode" = aof ] && args+=(--appendonly yes --appendfsync everysec) || args+=(--appendonly no)
  start $side "$dir" "${args[@]}"
  load "$(port_of $side)"
  [ "$mode" = rdb ] && redis-cli -p "$(port_of $side)" save >/dev/null
  local size; size=$(du -sh "$dir" | cut -f1)
  stop $side
  local t0; t0=$(date +%s.%N)
  start $side "$dir" "${args[@]}"
  local t1; t1=$(date +%s.%N)
  local dbsize; dbsize=$(redis-cli -p "$(port_of $side)" dbsize)
  stop $side
  rm -rf "$dir"
  printf '%-8s %-5s %8s s  keys=%s  files=%s\n' $side $mode "$(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%.2f", a-b}')" \
    "$dbsize" "$size"
}
echo
echo "restart with $keys keys (process start until PING answers PONG):"
for mode in aof rdb; do
  restart_time redis $mode
  restart_time redgrid $mode
done
