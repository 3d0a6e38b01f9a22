#!/usr/bin/env bash
# Compiles every bpf/*.bpf.c into bpf/build/*.bpf.o (CO-RE, vmlinux.h from the running kernel's BTF).
# Needs clang, llvm, bpftool (Debian: clang llvm bpftool libbpf-dev). No sources yet: nothing to do.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shopt -s nullglob
sources=("$here"/*.bpf.c)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "bpf: no programs yet"
  exit 0
fi
mkdir -p "$here/build"
[[ -f "$here/build/vmlinux.h" ]] || bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$here/build/vmlinux.h"
arch="$(uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')"
for src in "${sources[@]}"; do
  out="$here/build/$(basename "${src%.c}").o"
  clang -g -O2 -Wall -target bpf -D__TARGET_ARCH_"$arch" -I"$here/build" -I"$here" -c "$src" -o "$out"
  llvm-strip -g "$out" # DWARF goes; the BTF CO-RE needs stays
  echo "bpf: built $out"
done
