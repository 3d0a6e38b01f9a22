/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every struct the socket-trace program shares with user space: its configuration (.rodata) and the
 * events it writes to the ring buffer (or perf buffer). The Java side reads them in place at fixed
 * offsets (io.flowscope.platform.ebpf.SocketTraceLayout); a test checks those offsets against the BTF of
 * the built object, so a change here that Java does not follow fails the build.
 *
 * Fixed-width types only, every field naturally aligned, no implicit padding.
 */
#ifndef FLOWSCOPE_SOCKET_TRACE_H
#define FLOWSCOPE_SOCKET_TRACE_H

/* Largest payload prefix an event can carry (the configured size is at most this). */
#define FS_MAX_PAYLOAD 8192
#define FS_COMM_LEN 16
#define FS_FILENAME_LEN 256
#define FS_ARGS_LEN 512         /* bytes of an exec's arguments kept (a power of two) */
#define FS_CGROUP_LEVELS 16     /* cgroup filter: ancestors looked at, the cgroup itself included */
#define FS_MAX_FILTERS 64

enum fs_event_type {
	FS_EVENT_DATA = 1,      /* bytes read or written on a socket */
	FS_EVENT_OPEN = 2,      /* connect() or accept() returned a socket */
	FS_EVENT_CLOSE = 3,     /* close() of a traced socket */
	FS_EVENT_EXEC = 4,      /* sched_process_exec */
	FS_EVENT_FORK = 5,      /* sched_process_fork */
	FS_EVENT_EXIT = 6,      /* sched_process_exit of a thread group leader */
};

enum fs_direction {
	FS_EGRESS = 0,          /* written by the process */
	FS_INGRESS = 1,         /* read by the process */
};

enum fs_role {
	FS_ROLE_UNKNOWN = 0,    /* the socket existed before the probe, or its start was missed */
	FS_ROLE_CLIENT = 1,     /* connect() */
	FS_ROLE_SERVER = 2,     /* accept() */
};

/* The syscall that produced a data event (so user space can tell datagrams from streams). */
enum fs_syscall {
	FS_SYS_READ = 1, FS_SYS_WRITE, FS_SYS_READV, FS_SYS_WRITEV, FS_SYS_SENDTO, FS_SYS_RECVFROM,
	FS_SYS_SENDMSG, FS_SYS_RECVMSG, FS_SYS_SENDMMSG, FS_SYS_RECVMMSG, FS_SYS_CONNECT, FS_SYS_ACCEPT,
	FS_SYS_ACCEPT4, FS_SYS_CLOSE,
};

/* Counters in the `counters` per-CPU array, summed by user space. */
enum fs_counter {
	FS_COUNT_EVENTS = 0,        /* events written */
	FS_COUNT_LOST = 1,          /* events the ring could not take */
	FS_COUNT_SENDFILE = 2,      /* sendfile() calls on sockets (bytes not traced) */
	FS_COUNT_SENDFILE_BYTES = 3,
	FS_COUNT_SPLICE = 4,        /* splice() calls (bytes not traced) */
	FS_COUNT_INFLIGHT_FULL = 5, /* syscalls not traced: the in-flight table was full */
	FS_COUNT_FILTERED = 6,      /* socket syscalls left out by the filters */
	FS_COUNT_MUTED = 7,         /* data events not sent: the socket is muted (a loopback peer user space has paired) */
	FS_COUNT_MAX = 8,
};

/* Read-only configuration, set by the loader before load (the verifier prunes what it turns off). */
struct fs_config {
	__u32 payload_max;          /* bytes of payload per event, <= FS_MAX_PAYLOAD */
	__u32 self_tgid;            /* the collector's own process: never traced */
	__u32 wakeup_bytes;         /* the reader is woken only when this much is waiting (ring buffer) */
	__u8 use_perf;              /* 1: perf buffer transport, 0: ring buffer */
	__u8 filter_pids;           /* 1: only processes in `pid_filter` ... */
	__u8 filter_comms;          /* ... or whose name is in `comm_filter` ... */
	__u8 filter_cgroups;        /* ... or whose cgroup or an ancestor of it is in `cgroup_filter` */
	__u8 filter_ports;          /* 1: only sockets with a local or remote port in `port_filter` */
	__u8 inflight_in_task;      /* 1: syscall arguments wait in task storage, 0: in the `inflight` hash */
	__u8 task_btf;              /* 1: the fd walk loads through BTF pointers (bpf_get_current_task_btf) */
	__u8 pad[5];
};

/* The start of every event. */
struct fs_event_header {
	__u32 type;                 /* enum fs_event_type */
	__u32 size;                 /* bytes of the whole event, header included */
	__u64 ts_ns;                /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u32 pid;                  /* thread group id */
	__u32 tid;
	char comm[FS_COMM_LEN];
};

/* Data, open and close events of a socket. Data events are followed by `captured` payload bytes. */
struct fs_socket_event {
	struct fs_event_header h;
	__u64 socket_id;            /* unique per socket while the probe runs */
	__u64 seq;                  /* bytes of this direction before this event (data events) */
	__u32 fd;
	__u32 netns;                /* inode of the socket's network namespace */
	__u32 length;               /* bytes the syscall read or wrote (data events) */
	__u32 captured;             /* of which follow this event */
	__u16 family;               /* AF_INET or AF_INET6 */
	__u16 sock_type;            /* SOCK_STREAM or SOCK_DGRAM */
	__u16 local_port;
	__u16 remote_port;
	__u8 local_addr[16];        /* IPv4 in the first 4 bytes */
	__u8 remote_addr[16];
	__u8 direction;             /* enum fs_direction (data events) */
	__u8 role;                  /* enum fs_role */
	__u8 syscall;               /* enum fs_syscall */
	__u8 pad[5];
};

/* Process events. */
struct fs_process_event {
	struct fs_event_header h;
	__u32 ppid;                 /* fork: the parent */
	__u32 child_pid;            /* fork: the child */
	__s32 exit_code;            /* exit */
	__u32 filename_len;         /* exec: bytes of filename */
	char filename[FS_FILENAME_LEN]; /* exec: the executable */
	__u64 cgroup_id;            /* the process's cgroup v2 id (its directory's inode) */
	__u32 args_len;             /* exec: bytes of args kept */
	__u32 args_full_len;        /* exec: bytes of the whole argument block */
	char args[FS_ARGS_LEN];     /* exec: the arguments, NUL-separated, read from the new program's stack */
};

#endif
