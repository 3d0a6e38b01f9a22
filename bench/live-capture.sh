#!/usr/bin/env bash
# Benchmark: live capture, Flowscope against tcpdump, on the same replayed traffic in one run.
#
# Replays bench/work/live-mixed.pcap (recorded on first use, see record_capture) at top speed
# (`tcpreplay --topspeed`) from inside a network namespace out of one end of a veth pair; the other end
# (in the root namespace) receives every frame, and is captured:
#   1. by `tcpdump -w /dev/null` (32 MiB ring, Flowscope's default: -B 32768; snap length 65535, as Flowscope);
#   2. by `flowscope run --interfaces <veth>`: the AF_PACKET probe building flows and L7 rows into DuckDB.
# Flowscope first sees a warm-up replay (twice the first 300,000 packets, which hold a whole recording round,
# with their addresses moved to 10.202/16 and 10.203/16 so that they make flows of their own), replayed again
# until the JIT compilers stay nearly idle through it (at most 6 times), so its paths are compiled, as in a
# running server (tcpdump has nothing to compile). The JIT's share of the measured window is printed.
# CPU seconds are utime+stime of the tool's process (all its threads) from /proc/PID/stat, from just before
# the measured replay until the tool has gone quiet after it (its CPU stops rising): JVM start-up and the
# warm-up are outside the window. Packets seen and kernel drops: tcpdump's exit summary; Flowscope's
# GET /api/v1/probes. Prints per run: packets replayed, packets seen, kernel drops, CPU seconds,
# packets per CPU-second; and ratio=<Flowscope packets per CPU-second / tcpdump packets per CPU-second>.
#
#   --ring-only  Flowscope side as `flowscope capture -i <veth> -w /dev/null` (the ring read into a pcapng
#                writer, no flows): for checking the replay and the accounting, or the ring's own cost
#   --profile    also record Flowscope's measured window with JFR and print where its CPU went
#   --record     record a new capture even if one is cached
#
# Usage: bench/live-capture.sh [--ring-only] [--profile] [--record]   (as root, on a quiet machine)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/bench/work"
pcap="$work/live-mixed.pcap"
warm="$work/live-warmup-2x300k.pcap"
target_packets=1500000
ring_only=0
profile=0
record=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ring-only) ring_only=1 ;;
    --profile) profile=1 ;;
    --record) record=1 ;;
    *) echo "usage: $0 [--ring-only] [--profile] [--record]" >&2; exit 2 ;;
  esac
  shift
done
[[ $(id -u) -eq 0 ]] || { echo "bench: needs root (namespaces, capture)" >&2; exit 1; }

"$root/scripts/install-deps.sh" bench
mkdir -p "$work"
"$root/flowscope" --version >/dev/null # builds on first use

tck=$(getconf CLK_TCK)

# The percentage of a process's CPU between two thread_ticks snapshots that its JIT compiler threads used.
jit_share() {
  python3 - "$1" "$2" <<'PY'
import sys
def load(p):
    return {l.split(" ", 2)[0]: (int(l.split(" ", 2)[1]), l.rstrip("\n").split(" ", 2)[2]) for l in open(p)}
before, after = load(sys.argv[1]), load(sys.argv[2])
used = {t: (v[0] - before.get(t, (0, ""))[0], v[1]) for t, v in after.items()}
total = sum(u for u, _ in used.values())
jit = sum(u for u, name in used.values() if "CompilerThre" in name)
print(100 * jit // total if total else 0)
PY
}

# Where Flowscope's CPU went in the measured window: each thread's CPU (from /proc, exact), grouped by name
# with numbers taken out; then JFR's samples of Java code (jdk.ExecutionSample: threads running Java, not
# native code such as DuckDB's appender or the JNA calls) by the method on top, and by the Flowscope method
# nearest the top (what called into the JDK or a library).
jfr_summary() {
  echo "--- CPU by thread (measured window) ---"
  python3 - "$work/threads-before.txt" "$work/threads-after.txt" "$tck" <<'PY'
import re, sys
def load(p):
    out = {}
    for line in open(p):
        tid, ticks, name = line.rstrip("\n").split(" ", 2)
        out[tid] = (int(ticks), name)
    return out
before, after, tck = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
groups = {}
for tid, (ticks, name) in after.items():
    used = ticks - before.get(tid, (0, name))[0]
    key = re.sub(r"[0-9]+", "N", name)
    groups[key] = groups.get(key, 0) + used
total = sum(groups.values()) or 1
for key, used in sorted(groups.items(), key=lambda kv: -kv[1])[:12]:
    if used:
        print(f"{used / tck:8.2f} s {100 * used / total:5.1f} %  {key}")
PY
  echo "--- JFR execution samples ---"
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$1" | python3 -c '
import collections, re, sys
top, ours, threads = collections.Counter(), collections.Counter(), collections.Counter()
n = 0; frames = None; thread = "?"
for line in sys.stdin:
    line = line.strip()
    if line.startswith("sampledThread"):
        thread = re.sub(r"[0-9]+", "N", line.split(chr(34))[1])
    elif line.startswith("stackTrace = ["):
        frames = []
    elif frames is not None and line.startswith("]"):
        if frames:
            n += 1; threads[thread] += 1
            top[frames[0]] += 1
            mine = next((f for f in frames if f.startswith("io.flowscope.")), None)
            if mine: ours[mine] += 1
        frames = None
    elif frames is not None and line and not line.startswith("..."):
        frames.append(re.sub(r"\(.*", "", line.split(" line:")[0]))
def show(title, c):
    print(title)
    for k, v in c.most_common(15):
        print(f"{100 * v / max(n, 1):6.1f} %  {k}")
print(f"{n} samples")
show("by thread:", threads)
show("on top:", top)
show("nearest Flowscope frame:", ours)'
  echo "--- waits of 10 ms or more (jdk.ThreadPark), by thread and the Flowscope frame that waited ---"
  jfr print --events jdk.ThreadPark --stack-depth 16 "$1" | python3 -c '
import collections, re, sys
waits = collections.Counter(); count = collections.Counter()
for ev in sys.stdin.read().split("jdk.ThreadPark {")[1:]:
    thread = re.sub(r"[0-9]+", "N", re.search(r"eventThread = \"([^\"]*)\"", ev).group(1))
    if not thread.startswith("flowscope"):
        continue
    m = re.search(r"duration = ([0-9.]+) (ms|s)", ev)
    ms = float(m.group(1)) * (1000 if m.group(2) == "s" else 1)
    frame = re.search(r"(io\.flowscope\.[\w.$]+)\(", ev)
    key = thread + "  " + (frame.group(1) if frame else "?")
    waits[key] += ms; count[key] += 1
for key, ms in waits.most_common(8):
    print(f"{ms / 1000:8.2f} s in {count[key]:5d} waits  {key}")'
}
tag="fsb$$"
cleanup_cmds=()
cleanup() {
  local i
  for ((i = ${#cleanup_cmds[@]} - 1; i >= 0; i--)); do eval "${cleanup_cmds[$i]}" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

packets() { capinfos -c -M "$1" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}'; }

# A namespace with IPv6 off and lo up.
make_ns() {
  ip netns add "$1"
  cleanup_cmds+=("ip netns del $1")
  ip netns exec "$1" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
  ip -n "$1" link set lo up
}

# The capture: real traffic between two namespaces over a veth pair (Ethernet frames of at most 1514 bytes:
# segmentation offload off on both ends, so the frames can be replayed into a veth of MTU 1500 again).
#   nginx:  wrk (keep-alive, 16 connections, 20-byte JSON); ab (a connection per request, 4 KB pages);
#           ab -k (keep-alive, 40 KB bodies); curl (one 64 MB download: bulk TCP)
#   UDP:    socat streams (one-way, 200- and 1400-byte datagrams) and 200 one-datagram exchanges with a
#           socat echo server, each from its own port
# in rounds until there are $target_packets packets.
record_capture() {
  local cli="fsrec-cli-$$" srv="fsrec-srv-$$" run="$work/servers"
  rm -rf "$run" && mkdir -p "$run/html" "$run/logs"
  make_ns "$cli"; make_ns "$srv"
  ip link add "${tag}c" type veth peer name "${tag}s"
  ip link set "${tag}c" netns "$cli" name eth0
  ip link set "${tag}s" netns "$srv" name eth0
  ip -n "$cli" addr add 10.201.0.1/24 dev eth0
  ip -n "$srv" addr add 10.201.0.2/24 dev eth0
  for ns in "$cli" "$srv"; do
    ip -n "$ns" link set eth0 gso_max_segs 1 up
  done
  head -c 3000 /dev/urandom | base64 -w 100 > "$run/html/page"
  head -c 30000 /dev/urandom | base64 -w 100 > "$run/html/big"
  head -c 64000000 /dev/urandom > "$run/html/bulk"
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
  server { listen 10.201.0.2:80; root $run/html; location /api { return 200 "{\"ok\":true,\"n\":42}\n"; } }
}
CONF
  ip netns exec "$srv" nginx -c "$run/nginx.conf" -p "$run"
  cleanup_cmds+=("kill \$(cat $run/nginx.pid)")
  ip netns exec "$srv" socat -u UDP4-RECV:5300,bind=10.201.0.2 /dev/null &
  cleanup_cmds+=("kill $!")
  ip netns exec "$srv" socat UDP4-RECVFROM:5301,bind=10.201.0.2,fork EXEC:cat &
  cleanup_cmds+=("kill $!")
  for _ in $(seq 1 50); do
    ip netns exec "$cli" curl -sf -o /dev/null http://10.201.0.2/api && break
    sleep 0.1
  done

  ip netns exec "$cli" tcpdump -i eth0 -U -B 262144 -s 0 -w "$pcap" 2>"$work/tcpdump-record.log" &
  local tcpdump_pid=$!
  sleep 1
  for round in 1 2 3 4 5 6 7 8 9 10; do
    ip netns exec "$cli" wrk -t2 -c16 -d3s http://10.201.0.2/api >/dev/null
    ip netns exec "$cli" ab -q -n 3000 -c 8 http://10.201.0.2/page >/dev/null
    ip netns exec "$cli" ab -q -k -n 600 -c 4 http://10.201.0.2/big >/dev/null
    ip netns exec "$cli" curl -s -o /dev/null http://10.201.0.2/bulk
    head -c 4000000 /dev/urandom | ip netns exec "$cli" socat -b 200 -u - UDP4-SENDTO:10.201.0.2:5300
    head -c 20000000 /dev/urandom | ip netns exec "$cli" socat -b 1400 -u - UDP4-SENDTO:10.201.0.2:5300
    seq 1 200 | xargs -P 8 -I{} sh -c "echo query-{} | ip netns exec $cli socat -t 0.05 - UDP4:10.201.0.2:5301 >/dev/null"
    sleep 1
    local n
    n=$(packets "$pcap" || echo 0)
    echo "bench: round $round: ${n:-0} packets recorded" >&2
    [[ "${n:-0}" -ge $((target_packets + target_packets / 20)) ]] && break
  done
  kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
  cat "$work/tcpdump-record.log" >&2
  rm -f "$run/html/bulk"
}

if [[ $record -eq 1 || ! -f "$pcap" ]]; then
  rm -f "$warm"
  record_capture
  cleanup; cleanup_cmds=()
fi
if [[ ! -f "$warm" ]]; then
  # the first 300,000 packets hold a whole recording round (every kind of traffic), twice, at other addresses
  rm -f "$work"/live-warmup*.pcap
  editcap -r "$pcap" "$work/warm-head.pcap" 1-300000
  tcprewrite --pnat=10.201.0.0/16:10.202.0.0/16 --infile="$work/warm-head.pcap" --outfile="$work/warm-1.pcap"
  tcprewrite --pnat=10.201.0.0/16:10.203.0.0/16 --infile="$work/warm-head.pcap" --outfile="$work/warm-2.pcap"
  mergecap -a -F pcap -w "$warm" "$work/warm-1.pcap" "$work/warm-2.pcap"
  rm -f "$work/warm-head.pcap" "$work/warm-1.pcap" "$work/warm-2.pcap"
fi
n=$(packets "$pcap")
[[ "$n" -ge 1000000 ]] || { echo "bench: the capture has $n packets; run with --record" >&2; exit 1; }
echo "capture=$pcap packets=$n bytes=$(stat -c %s "$pcap") load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""

# The replay link: tcpreplay sends from inside namespace $ns out of its eth0; the root end, $tap, receives.
ns="fsbench-$$"
tap="${tag}r"
make_ns "$ns"
ip link add "$tap" type veth peer name eth0 netns "$ns"
cleanup_cmds+=("ip link del $tap")
echo 1 > "/proc/sys/net/ipv6/conf/$tap/disable_ipv6"
ip link set "$tap" up
ip -n "$ns" link set eth0 up

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Every thread of a process: "tid ticks name" (the name is what follows the ticks: it may have spaces).
thread_ticks() {
  python3 -c 'import glob, sys
for p in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        s = open(p).read()
    except OSError:
        continue  # the thread ended
    f = s[s.rindex(")") + 2:].split()
    print(s.split()[0], int(f[11]) + int(f[12]), s[s.index("(") + 1:s.rindex(")")])' "$1"
}
stat_of() { cat "/sys/class/net/$tap/statistics/$1"; }

# Replays a file; prints the packets tcpreplay sent and the seconds it took.
replay() {
  ip netns exec "$ns" tcpreplay --topspeed -i eth0 "$1" 2>&1 \
    | awk '/Actual:/ {for (i = 1; i < NF; i++) if ($(i + 1) ~ /^seconds/) t = $i} /Successful packets:/ {n = $3} END {print n, t}'
}

# Waits until a process's CPU time stops rising (what it had queued is processed), at most 20 s.
settle() {
  local before after
  for _ in $(seq 1 40); do
    before=$(cpu_ticks "$1"); sleep 0.5; after=$(cpu_ticks "$1")
    [[ $((after - before)) -le $((tck / 50)) ]] && return 0
  done
}

# Runs the measured replay against process $1; sets replayed, replay_seconds, received, cpu_seconds, and keeps
# each thread's CPU before and after in $work/threads-{before,after}.txt.
measure() {
  local pid=$1 t0 t1 rx0
  rx0=$(stat_of rx_packets)
  thread_ticks "$pid" > "$work/threads-before.txt"
  t0=$(cpu_ticks "$pid")
  read -r replayed replay_seconds < <(replay "$pcap")
  sleep 1.2 # the last block reaches the reader when its timeout retires it: tcpdump's is 1 s (libpcap's default)
  settle "$pid"
  t1=$(cpu_ticks "$pid")
  thread_ticks "$pid" > "$work/threads-after.txt"
  received=$(( $(stat_of rx_packets) - rx0 ))
  cpu_seconds=$(echo "($t1 - $t0) / $tck" | bc -l)
}

report() { # name seen drops; sets pps
  pps=$(echo "$2 / $cpu_seconds" | bc -l)
  printf 'run=%s replayed=%d replay_seconds=%s reached_interface=%d seen=%d kernel_drops=%d cpu_seconds=%.2f packets_per_cpu_second=%.0f\n' \
    "$1" "$replayed" "$replay_seconds" "$received" "$2" "$3" "$cpu_seconds" "$pps"
}

# --- tcpdump (no warm-up: nothing to compile; its totals at exit are the measured replay's) ---
tcpdump -i "$tap" -n -B 32768 -s 65535 -w /dev/null 2>"$work/tcpdump.err" &
tcpdump_pid=$!
cleanup_cmds+=("kill $tcpdump_pid")
for _ in $(seq 1 50); do grep -q listening "$work/tcpdump.err" && break; sleep 0.1; done
measure "$tcpdump_pid"
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" || true
report tcpdump "$(awk '/packets captured/ {print $1}' "$work/tcpdump.err")" \
  "$(awk '/dropped by kernel/ {print $1}' "$work/tcpdump.err")"
td_pps=$pps

# --- Flowscope ---
data="$work/live-data"
rm -rf "$data"
fs_err="$work/flowscope.err"
jfr_file="$work/live-capture.jfr"
if [[ $ring_only -eq 1 ]]; then
  "$root/flowscope" capture -i "$tap" -w /dev/null 2>"$fs_err" &
  fs_pid=$!
  cleanup_cmds+=("kill $fs_pid")
  for _ in $(seq 1 100); do grep -q listening "$fs_err" && break; sleep 0.1; done
else
  "$root/flowscope" run --help | grep -q -- --interfaces \
    || { echo "bench: this build's 'flowscope run' has no --interfaces yet; try --ring-only" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$root/flowscope" run --interfaces "$tap" --data-dir "$data" --port "$port" >"$work/flowscope.out" 2>"$fs_err" &
  fs_pid=$!
  cleanup_cmds+=("kill $fs_pid")
  for _ in $(seq 1 300); do curl -sf "127.0.0.1:$port/actuator/health" >/dev/null && break; sleep 0.2; done
fi
# The afpacket probe's counters for $tap: "packets kernelDrops", wherever the probes' JSON holds them.
probe_counters() {
  curl -s "127.0.0.1:$port/api/v1/probes" | python3 -c '
import json, sys
def find(o):
    if isinstance(o, dict):
        if sys.argv[1] in (o.get("interface"), o.get("interfaceName"), o.get("name")) and "packets" in o:
            return o
        o = list(o.values())
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r: return r
r = find(json.load(sys.stdin)) or {}
print(r.get("packets", 0), r.get("kernelDrops", 0))' "$tap"
}
sql_count() {
  curl -s -H 'Content-Type: text/plain' "127.0.0.1:$port/api/v1/sql" --data "SELECT count(*) FROM $1" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["rows"][0][0])'
}
# With --profile, JFR runs from before the warm-up (starting it recompiles much of the code: that belongs to the
# warm-up, not the window); a second recording with the same settings then covers the measured window alone.
[[ $profile -eq 1 ]] && jcmd "$fs_pid" JFR.start name=primer settings=profile jdk.ExecutionSample#period=2ms >/dev/null
# Warm-up, again until a replay of it leaves the JIT compilers idle for most of it (at most 6 times); --ring-only
# counts totals at exit, so what reached the interface during the warm-up is kept to take it out again.
warm_rx0=$(stat_of rx_packets)
for round in 1 2 3 4 5 6; do
  thread_ticks "$fs_pid" > "$work/warm-before.txt"
  replay "$warm" >/dev/null
  sleep 0.2
  settle "$fs_pid"
  thread_ticks "$fs_pid" > "$work/warm-after.txt"
  jit=$(jit_share "$work/warm-before.txt" "$work/warm-after.txt")
  echo "bench: warm-up $round: the JIT took ${jit} % of Flowscope's CPU" >&2
  [[ "$jit" -lt 5 ]] && break
done
warm_reached=$(( $(stat_of rx_packets) - warm_rx0 ))
[[ $profile -eq 1 ]] && jcmd "$fs_pid" JFR.start name=bench settings=profile \
  jdk.ExecutionSample#period=2ms filename="$jfr_file" >/dev/null
if [[ $ring_only -eq 1 ]]; then
  measure "$fs_pid"
else
  read -r p0 d0 < <(probe_counters)
  measure "$fs_pid"
  read -r p1 d1 < <(probe_counters)
fi
[[ $profile -eq 1 ]] && jcmd "$fs_pid" JFR.stop name=bench >/dev/null && jcmd "$fs_pid" JFR.stop name=primer >/dev/null
if [[ $ring_only -eq 1 ]]; then
  kill -TERM "$fs_pid"; wait "$fs_pid" || true # (a background JVM ignores SIGINT)
  # "flowscope capture: N packets (B bytes) written to F; D dropped by the kernel"
  fs_seen=$(sed -n 's/.*capture: \([0-9,]*\) packets.*/\1/p' "$fs_err" | tr -d ,)
  fs_drops=$(sed -n 's/.*; \([0-9,]*\) dropped by the kernel.*/\1/p' "$fs_err" | tr -d ,)
  # its totals include the warm-up, which reached it whole unless the kernel dropped some (then this is approximate)
  fs_seen=$((fs_seen - warm_reached))
  [[ "$fs_drops" -eq 0 ]] || echo "bench: --ring-only counts are totals with the warm-up's taken out: approximate with drops" >&2
  name=flowscope-ring-only
else
  fs_seen=$((p1 - p0)); fs_drops=$((d1 - d0))
  echo "flowscope_rows: l4_flow_log=$(sql_count flow_log.l4_flow_log) l7_flow_log=$(sql_count flow_log.l7_flow_log)" \
    "(the warm-up's included; flows still open are reported when they end)"
  kill "$fs_pid"; wait "$fs_pid" || true
  name=flowscope
fi
report "$name" "$fs_seen" "$fs_drops"
echo "jit_share_of_flowscope_cpu=$(jit_share "$work/threads-before.txt" "$work/threads-after.txt")% (in the measured window; more than a few: the warm-up was not enough)"
printf 'ratio=%.2f\n' "$(echo "$pps / $td_pps" | bc -l)"
echo "load=\"$(cut -d' ' -f1-3 /proc/loadavg)\" (1, 5 and 15 min averages at the end)"

if [[ $profile -eq 1 ]]; then
  echo "(profiled: Flowscope's CPU above includes JFR's own sampling, the JFR threads below; take the ratio from a run without --profile)"
  jfr_summary "$jfr_file"
fi
