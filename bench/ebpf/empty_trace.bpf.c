// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Programs that do nothing, on the hooks of socket_trace.bpf.c: what tracepoints cost by themselves.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EMPTY(kind, name) SEC("tracepoint/syscalls/sys_" #kind "_" #name) int kind##_##name(void *ctx) { return 0; }
#define BOTH(name) EMPTY(enter, name) EMPTY(exit, name)

BOTH(read) BOTH(write) BOTH(readv) BOTH(writev) BOTH(sendto) BOTH(recvfrom) BOTH(sendmsg) BOTH(recvmsg)
BOTH(sendmmsg) BOTH(recvmmsg) BOTH(connect) BOTH(accept) BOTH(accept4)
EMPTY(enter, close) EMPTY(enter, sendfile64) EMPTY(enter, splice)

SEC("tracepoint/sched/sched_process_exec") int process_exec(void *ctx) { return 0; }
SEC("tracepoint/sched/sched_process_fork") int process_fork(void *ctx) { return 0; }
SEC("tracepoint/sched/sched_process_exit") int process_exit(void *ctx) { return 0; }
