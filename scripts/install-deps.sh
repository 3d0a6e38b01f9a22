#!/usr/bin/env bash
# Installs the Debian 12 packages Flowscope needs, only those missing.
#   install-deps.sh run    JDK and Maven (build and run), libpcap (capture filters are compiled by it),
#                          libbpf (the host loads the eBPF probes' objects with it)
#   install-deps.sh test   + nginx, tcpdump, tshark, curl, dnsmasq-base and dnsutils (dig) (real peers and reference
#                          tools of the tests; dnsmasq-base is the program without the system service),
#                          redis-server, redis-tools (Redis peers),
#                          mariadb-server, mariadb-client (MariaDB peers),
#                          postgresql (PostgreSQL 15 peers, psql and pgbench),
#                          iproute2 (veth pairs the capture tests create), nftables (the loss and the silent port
#                          of the TCP metrics tests), python3 (the server they kill), clang, llvm, libbpf-dev, bpftool
#                          (bpf/build.sh, and the tests that check the objects' BTF)
#   install-deps.sh bench  + redis, mariadb, wrk (traffic of bench/offline-import.sh); tcpreplay, socat and
#                          iproute2 (bench/live-capture.sh: its UDP traffic, the replay into a veth in a namespace);
#                          gcc, clang, llvm, libbpf-dev, bpftool (bench/ebpf-overhead.sh: its loop, empty programs and loader)
set -euo pipefail
what="${1:-run}"
pkgs=(openjdk-17-jdk-headless maven libpcap0.8 libbpf1)
case "$what" in
  run) ;;
  test) pkgs+=(nginx-light tcpdump tshark curl iproute2 nftables python3 clang llvm libbpf-dev bpftool dnsmasq-base dnsutils redis-server redis-tools mariadb-server mariadb-client postgresql) ;;
  bench) pkgs+=(nginx-light tcpdump tshark curl redis-server redis-tools mariadb-server mariadb-client wrk apache2-utils bc tcpreplay socat iproute2 gcc clang llvm libbpf-dev bpftool) ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "flowscope: missing packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "flowscope: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
