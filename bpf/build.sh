#!/usr/bin/env bash
# Compiles every bpf/*.bpf.c into bpf/build/*.bpf.o (CO-RE, vmlinux.h from the running kernel's BTF).
# Needs clang, llvm, bpftool (Debian: clang llvm bpftool libbpf-dev).
#   build.sh             build, or fail when the tools are missing
#   build.sh --if-clang  build when the tools are there, else say that bpf/prebuilt is used (the Maven build)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ "${1:-}" == "--if-clang" ]] && ! { command -v clang && command -v bpftool && command -v llvm-strip; } >/dev/null; then
  echo "bpf: clang, llvm or bpftool missing: the committed objects in bpf/prebuilt are used"
  exit 0
fi
shopt -s nullglob
# the kernel the objects are built against: bpf/prebuilt records the one its objects came from
kernel_btf() { sha256sum "$here/build/vmlinux.h" | cut -d' ' -f1; }
sources=("$here"/*.bpf.c)
mkdir -p "$here/build"
[[ -s "$here/build/vmlinux.h" ]] || bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$here/build/vmlinux.h"
arch="$(uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')"
for src in "${sources[@]}"; do
  out="$here/build/$(basename "${src%.c}").o"
  if [[ -f "$out" && "$out" -nt "$src" && "$out" -nt "$here/socket_trace.h" ]]; then
    continue
  fi
  # compiled from bpf/ with a relative name and the directory mapped away: the object does not depend on where
  # the checkout is (BTF line info names the source), so a build can be compared with the prebuilt object
  (cd "$here" && clang -g -O2 -Wall -target bpf -D__TARGET_ARCH_"$arch" -fdebug-prefix-map="$here"=. -Ibuild -I. \
      -c "$(basename "$src")" -o "$out")
  llvm-strip -g "$out" # DWARF goes; the BTF CO-RE needs stays
  echo "bpf: built $out"
done
kernel_btf > "$here/build/vmlinux.h.sha256"
