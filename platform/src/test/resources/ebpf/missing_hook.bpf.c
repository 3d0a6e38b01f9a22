// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// A test object with one program on a tracepoint every kernel has and one on a tracepoint none has: the loader
// must attach the first, report the second with the kernel's reason, and keep going.
// no headers: nothing here needs more than libbpf's section convention
#define SEC(name) __attribute__((section(name), used))

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tracepoint/syscalls/sys_enter_getpid")
int present(void *ctx) { return 0; }

SEC("tracepoint/syscalls/sys_enter_flowscope_does_not_exist")
int missing(void *ctx) { return 0; }
