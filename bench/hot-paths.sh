#!/usr/bin/env bash
# JMH benchmarks of the hot paths (packet decode + flow table, HTTP/1 parsing), each with a baseline
# in the same run; -prof gc shows the bytes allocated per operation. Run after `mvn install`, or after
# `mvn package -DskipTests` (or verify) of the modules measured: the classes this tree built
# (plugin-api/, plugins/*/, platform/ target/classes) come first on the class path, before the installed jars.
# Usage: bench/hot-paths.sh [JMH options, e.g. -f 1 -wi 2 -i 3 PacketPath]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/bench/jmh"
mvn -q -B -ntp package
local_classes=""
for d in "$root"/plugin-api/target/classes "$root"/plugins/*/target/classes "$root"/platform/target/classes; do
  if [ -d "$d" ]; then
    local_classes="$local_classes$d:"
  fi
done
exec java -cp "target/classes:$local_classes$(cat target/classpath.txt)" org.openjdk.jmh.Main -prof gc "$@"
