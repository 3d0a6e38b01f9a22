#!/usr/bin/env bash
# Benchmark: `flowscope import` against `tshark -q -z conv,tcp` on the same capture, in one run.
#
# Builds (or reuses) bench/work/mixed.pcap: at least 1,000,000 packets of real loopback traffic from
# nginx (driven by wrk and ab), redis-server (redis-benchmark) and mariadb (mysqlslap), each server a
# private instance on its own port. Then times, from each command's start until it exits (Flowscope:
# until its data is committed to a fresh data directory):
#   flowscope import --json  bench/work/mixed.pcap
#   tshark -n -q -z conv,tcp -r bench/work/mixed.pcap
# and prints both times, both TCP conversation counts and ratio=<tshark seconds / flowscope seconds>, and
# each command's CPU seconds (user + system, of the process and its threads) and peak RSS (GNU time's %M):
# cpu_ratio=<flowscope CPU seconds / tshark's> (the least of the runs each).
#
# With --baseline DIR (another checkout of Flowscope, built: DIR/flowscope works), each run also times
# that build on the same file, in the same loop, and prints its ratio too: a change is judged against the
# build before it under the same load, since tshark's own time varies by a third on a shared VM.
#
# Usage: bench/offline-import.sh [--record] [--runs N] [--baseline DIR]   (as root; --record forces a new capture)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/bench/work"
pcap="$work/mixed.pcap"
target_packets=1000000
runs=3
record=0
baseline=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --record) record=1 ;;
    --runs) runs="$2"; shift ;;
    --baseline) baseline="$(cd "$2" && pwd)"; shift ;;
    *) echo "usage: $0 [--record] [--runs N] [--baseline DIR]" >&2; exit 2 ;;
  esac
  shift
done

"$root/scripts/install-deps.sh" bench
mkdir -p "$work"
FLOWSCOPE_REBUILD="${FLOWSCOPE_REBUILD:-}" "$root/flowscope" --version >/dev/null

packets() { capinfos -c -M "$1" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}'; }

record_capture() {
  local run="$work/servers"
  rm -rf "$run" && mkdir -p "$run/html" "$run/logs" "$run/mysql"
  head -c 2048 /dev/urandom | base64 > "$run/html/index.html"
  head -c 30000 /dev/urandom | base64 > "$run/html/big.txt"
  cat > "$run/nginx.conf" <<CONF
worker_processes 1;
user root;
error_log $run/logs/error.log;
pid $run/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $run/body; proxy_temp_path $run/proxy; fastcgi_temp_path $run/fcgi;
  uwsgi_temp_path $run/uwsgi; scgi_temp_path $run/scgi;
  server { listen 127.0.0.1:18081; root $run/html; location /api { return 200 "{\"ok\":true}\n"; } }
}
CONF
  nginx -c "$run/nginx.conf" -p "$run"
  redis-server --port 16379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$run/redis.pid" --logfile "$run/logs/redis.log"
  mariadb-install-db --no-defaults --datadir="$run/mysql" --user=root --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null 2>&1
  mariadbd --no-defaults --datadir="$run/mysql" --user=root --port=13306 --bind-address=127.0.0.1 \
    --socket="$run/mysql.sock" --skip-grant-tables --pid-file="$run/mariadb.pid" >"$run/logs/mariadb.log" 2>&1 &
  for _ in $(seq 1 100); do
    mariadb -h127.0.0.1 -P13306 -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.2
  done

  tcpdump -i lo -U -B 262144 -Z root -w "$pcap" \
    'tcp port 18081 or tcp port 16379 or tcp port 13306' 2>"$work/tcpdump.log" &
  local tcpdump_pid=$!
  sleep 1
  # each round adds roughly 300k packets; repeat until the capture is big enough
  for round in 1 2 3 4 5 6 7 8; do
    wrk -t2 -c16 -d4s http://127.0.0.1:18081/api >/dev/null
    ab -q -n 4000 -c 8 http://127.0.0.1:18081/big.txt >/dev/null
    redis-benchmark -h 127.0.0.1 -p 16379 -c 16 -n 40000 -t set,get,incr,lpush,lpop -q >/dev/null
    mysqlslap -h127.0.0.1 -P13306 -uroot --auto-generate-sql --auto-generate-sql-load-type=mixed \
      --concurrency=8 --iterations=2 --number-of-queries=4000 >/dev/null
    sleep 1.5
    local n
    n=$(packets "$pcap" || echo 0)
    echo "bench: round $round: ${n:-0} packets recorded" >&2
    [[ "${n:-0}" -ge $((target_packets + target_packets / 10)) ]] && break
  done
  kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
  kill "$(cat "$run/nginx.pid")" "$(cat "$run/redis.pid")" "$(cat "$run/mariadb.pid")" 2>/dev/null || true
  cat "$work/tcpdump.log" >&2
}

if [[ $record -eq 1 || ! -f "$pcap" ]]; then
  record_capture
fi
n=$(packets "$pcap")
if [[ "$n" -lt $target_packets ]]; then
  echo "bench: the capture has $n packets, fewer than $target_packets; run with --record" >&2
  exit 1
fi
echo "capture=$pcap packets=$n bytes=$(stat -c %s "$pcap")"

now() { date +%s.%N; }
min() { if [[ -z "$1" ]] || (( $(echo "$2 < $1" | bc -l) )); then echo "$2"; else echo "$1"; fi; }
best_fs=""; best_ts=""; best_base=""; best_fs_cpu=""; best_ts_cpu=""
for i in $(seq 1 "$runs"); do
  data="$work/data-$i"; rm -rf "$data"
  t0=$(now)
  /usr/bin/time -f '%U %S %M' -o "$work/flowscope.time" "$root/flowscope" import --data-dir "$data" --json "$pcap" > "$work/flowscope.json"
  t1=$(now)
  /usr/bin/time -f '%U %S %M' -o "$work/tshark.time" tshark -n -q -z conv,tcp -r "$pcap" > "$work/tshark.txt" 2>/dev/null
  t2=$(now)
  fs=$(echo "$t1 - $t0" | bc -l); ts=$(echo "$t2 - $t1" | bc -l)
  read -r fu fsys frss < "$work/flowscope.time"; read -r tu tsys trss < "$work/tshark.time"
  fs_cpu=$(echo "$fu + $fsys" | bc -l); ts_cpu=$(echo "$tu + $tsys" | bc -l)
  best_fs_cpu=$(min "$best_fs_cpu" "$fs_cpu"); best_ts_cpu=$(min "$best_ts_cpu" "$ts_cpu")
  peak_fs=$(( frss > ${peak_fs:-0} ? frss : ${peak_fs:-0} )); peak_ts=$(( trss > ${peak_ts:-0} ? trss : ${peak_ts:-0} ))
  line="run $i: flowscope=${fs}s (cpu ${fs_cpu}s, rss $((frss / 1024)) MiB) tshark=${ts}s (cpu ${ts_cpu}s, rss $((trss / 1024)) MiB)"
  if [[ -n "$baseline" ]]; then
    rm -rf "$data"
    t3=$(now)
    FLOWSCOPE_PLUGINS_DIR="$baseline/platform/target/plugins" "$baseline/flowscope" import --data-dir "$data" --json "$pcap" > "$work/baseline.json"
    t4=$(now)
    base=$(echo "$t4 - $t3" | bc -l)
    best_base=$(min "$best_base" "$base")
    line="$line baseline=${base}s"
  fi
  echo "$line"
  best_fs=$(min "$best_fs" "$fs"); best_ts=$(min "$best_ts" "$ts")
done
fs_conv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["flows"]["tcp"])' "$work/flowscope.json")
ts_conv=$(grep -c '<->' "$work/tshark.txt")
fs_req=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["requests"])' "$work/flowscope.json")
printf 'flowscope_seconds=%.3f tshark_seconds=%.3f (best of %d)\n' "$best_fs" "$best_ts" "$runs"
echo "flowscope_tcp_flows=$fs_conv tshark_tcp_conversations=$ts_conv flowscope_requests=$fs_req"
printf 'ratio=%.2f\n' "$(echo "$best_ts / $best_fs" | bc -l)"
printf 'flowscope_cpu_seconds=%.2f tshark_cpu_seconds=%.2f cpu_ratio=%.2f\n' "$best_fs_cpu" "$best_ts_cpu" \
  "$(echo "$best_fs_cpu / $best_ts_cpu" | bc -l)"
echo "flowscope_peak_rss_mib=$((peak_fs / 1024)) tshark_peak_rss_mib=$((peak_ts / 1024))"
if [[ -n "$baseline" ]]; then
  printf 'baseline_seconds=%.3f baseline_ratio=%.2f (%s, best of %d)\n' "$best_base" \
    "$(echo "$best_ts / $best_base" | bc -l)" "$(git -C "$baseline" rev-parse --short HEAD)" "$runs"
fi
[[ "$fs_conv" == "$ts_conv" ]] || { echo "bench: conversation counts differ" >&2; exit 1; }
