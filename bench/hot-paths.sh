#!/usr/bin/env bash
# JMH benchmarks of the hot paths (packet decode + flow table, HTTP/1 parsing), each with a baseline
# in the same run; -prof gc shows the bytes allocated per operation. Run after `mvn install`.
# Usage: bench/hot-paths.sh [JMH options, e.g. -f 1 -wi 2 -i 3 PacketPath]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/bench/jmh"
mvn -q -B -ntp package
exec java -cp "target/classes:$(cat target/classpath.txt)" org.openjdk.jmh.Main -prof gc "$@"
