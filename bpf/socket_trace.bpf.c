// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Socket tracing on syscall tracepoints (no kprobes, no fentry: neither exists on every kernel we run on).
 *
 * Enter tracepoints remember the arguments of a socket syscall per thread; exit tracepoints, knowing how
 * many bytes moved, resolve the fd to its socket through task->files (only sockets are kept), read the
 * family and tuple from struct sock, copy the first `payload_max` bytes of the payload (iovecs included)
 * and write one event. Each socket gets an id and per-direction byte sequence numbers, so user space can
 * order chunks and see what was lost. Process lifecycle comes from the sched tracepoints.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "socket_trace.h"

#define AF_INET 2
#define AF_INET6 10
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define MAX_IOV 8
#define MAX_MMSG 4
#define EINPROGRESS 115

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile struct fs_config fs_config = {
	.payload_max = 1024,
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FS_COUNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* The syscall a thread is in: its arguments, from enter to exit. */
struct inflight {
	__u64 buf;          /* buffer, iovec array, msghdr or mmsghdr array */
	__u64 addr;         /* sockaddr (sendto, recvfrom) */
	__u32 fd;
	__u32 count;        /* iovcnt or vlen */
	__u8 syscall;
	__u8 pad[7];
};

/* Where a thread's syscall waits for its exit: in the task's own storage where the kernel has it for tracepoints
 * (no hash insert and delete per syscall: measured, a fifth of what a traced syscall cost), else in a table by
 * thread id. The loader chooses (fs_config.inflight_in_task) and leaves the unused map uncreated. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct inflight);
} inflight_tasks SEC(".maps");

/* The bytes of fs_socket_event from `family` to the end of `remote_addr`: what describe() reads from struct sock. */
#define ENDPOINTS_BYTES 40

/* What the program keeps per socket: its id, sequence numbers and role, and its description (family, type,
 * both ends, network namespace) read once when the socket is first seen, since a connected socket's ends do not
 * change (connect makes the state afresh): the struct sock reads are most of what an event costs otherwise. */
struct socket_state {
	__u64 id;
	__u64 seq[2];       /* by enum fs_direction */
	__u8 role;
	__u8 pad[3];
	__u32 netns;
	__u8 endpoints[ENDPOINTS_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);             /* struct sock * */
	__type(value, struct socket_state);
} sockets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} next_socket_id SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FS_MAX_FILTERS);
	__type(key, __u32);
	__type(value, __u8);
} pid_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FS_MAX_FILTERS);
	__type(key, char[FS_COMM_LEN]);
	__type(value, __u8);
} comm_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FS_MAX_FILTERS);
	__type(key, __u64);
	__type(value, __u8);
} cgroup_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FS_MAX_FILTERS);
	__type(key, __u16);
	__type(value, __u8);
} port_filter SEC(".maps");

/* Sockets whose data user space does not need, by socket id: the other end of a loopback connection whose first
 * traced socket already carries the same bytes (user space pairs the two and adds the peer here; close takes it
 * out). Their syscalls still cost the lookup, but no payload is copied and no event crosses: on loopback that is
 * half of every request's events. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} muted SEC(".maps");

/* One event being built, per CPU: header, then room for the payload (twice, so a masked offset plus a
 * bounded chunk always stays inside for the verifier). */
struct scratch {
	struct fs_socket_event e;
	__u8 data[FS_MAX_PAYLOAD * 2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fs_process_event);
} process_scratch SEC(".maps");

static __always_inline void count(__u32 which, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);
	if (c)
		*c += n; /* per CPU: no atomics needed */
}

/* Writes an event to the configured transport; a full ring is counted, never silent. */
static __always_inline void submit(void *ctx, void *event, __u64 size)
{
	long err;
	if (fs_config.use_perf) {
		err = bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, event, size & 0xffff);
	} else {
		/* the reader is woken once, by the event that takes the waiting bytes over the threshold: a wake-up
		 * per event after it would cost an interrupt each (measured: a self-IPI, a VM exit under a hypervisor)
		 * while the reader is draining anyway; it sleeps only on an empty ring, and polls every 100 ms */
		__u64 flags = BPF_RB_NO_WAKEUP;
		__u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
		if (waiting < fs_config.wakeup_bytes && waiting + size >= fs_config.wakeup_bytes)
			flags = BPF_RB_FORCE_WAKEUP;
		err = bpf_ringbuf_output(&events, event, size & 0xffff, flags);
	}
	count(err ? FS_COUNT_LOST : FS_COUNT_EVENTS, 1);
}

/* Whether the current process is one we trace (not ourselves; in the filters when they are on). */
static __always_inline bool process_wanted(__u32 tgid)
{
	if (tgid == fs_config.self_tgid)
		return false;
	if (!fs_config.filter_pids && !fs_config.filter_comms && !fs_config.filter_cgroups)
		return true;
	if (fs_config.filter_pids && bpf_map_lookup_elem(&pid_filter, &tgid))
		return true;
	if (fs_config.filter_comms) {
		char comm[FS_COMM_LEN] = {};
		bpf_get_current_comm(comm, sizeof(comm));
		if (bpf_map_lookup_elem(&comm_filter, comm))
			return true;
	}
	if (fs_config.filter_cgroups) {
		/* a filtered cgroup takes its descendants, those made later included: level 0 is the root, the
		 * current cgroup is the deepest level that has an id */
		for (int level = 1; level < FS_CGROUP_LEVELS; level++) {
			__u64 cg = bpf_get_current_ancestor_cgroup_id(level);
			if (!cg)
				break;
			if (bpf_map_lookup_elem(&cgroup_filter, &cg))
				return true;
		}
	}
	return false;
}

static __always_inline void remember(__u8 syscall, __u64 fd, __u64 buf, __u64 count_arg, __u64 addr)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (!process_wanted(id >> 32))
		return;
	struct inflight in = {
		.buf = buf, .addr = addr, .fd = (__u32)fd, .count = (__u32)count_arg, .syscall = syscall,
	};
	if (fs_config.inflight_in_task) {
		struct inflight *slot = bpf_task_storage_get(&inflight_tasks, bpf_get_current_task_btf(), 0,
							     BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (slot)
			*slot = in;
		else
			count(FS_COUNT_INFLIGHT_FULL, 1);
	} else if (bpf_map_update_elem(&inflight, &id, &in, BPF_ANY)) {
		count(FS_COUNT_INFLIGHT_FULL, 1);
	}
}

/* The struct sock behind an fd of the current task, or NULL when the fd is not a socket. Where the kernel gives
 * tracepoint programs a BTF pointer to the task (fs_config.task_btf), the task → files → fdtable part is plain
 * loads the verifier checks (each bpf_probe_read_kernel is a helper call, dear under a hypervisor: the walk was a
 * fifth of an event); the array slot and what hangs off the file stay reads, since the verifier types a
 * `struct file **` as a number. */
static __always_inline struct sock *socket_of(__u32 fd)
{
	struct file **fds;
	if (fs_config.task_btf) {
		struct task_struct *task = bpf_get_current_task_btf();
		struct fdtable *fdt = task->files->fdt;
		if (!fdt || fd >= fdt->max_fds)
			return NULL;
		fds = fdt->fd;
	} else {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();
		struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
		if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
			return NULL;
		fds = BPF_CORE_READ(fdt, fd);
	}
	struct file *f = NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	struct socket *sock = BPF_CORE_READ(f, private_data);
	if (!sock)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

/* Fills the socket part of an event from struct sock; false for families other than IPv4 and IPv6. */
static __always_inline bool describe(struct fs_socket_event *e, struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return false;
	e->family = family;
	e->sock_type = BPF_CORE_READ(sk, sk_type);
	e->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	__builtin_memset(e->local_addr, 0, 16);
	__builtin_memset(e->remote_addr, 0, 16);
	if (family == AF_INET) {
		__u32 l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 r = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(e->local_addr, &l, 4);
		__builtin_memcpy(e->remote_addr, &r, 4);
	} else {
		BPF_CORE_READ_INTO(&e->local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&e->remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	return true;
}

/* An unconnected datagram socket's peer comes from the syscall's sockaddr. */
static __always_inline void peer_from_sockaddr(struct fs_socket_event *e, __u64 addr)
{
	if (!addr || e->remote_port)
		return;
	__u16 family = 0;
	bpf_probe_read_user(&family, sizeof(family), (void *)addr);
	if (family == AF_INET) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), (void *)addr);
		e->remote_port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e->remote_addr, &sin.sin_addr.s_addr, 4);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_user(&sin6, sizeof(sin6), (void *)addr);
		e->remote_port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(e->remote_addr, sin6.sin6_addr.in6_u.u6_addr8, 16);
	}
}

static __always_inline bool ports_wanted(struct fs_socket_event *e)
{
	if (!fs_config.filter_ports)
		return true;
	return bpf_map_lookup_elem(&port_filter, &e->local_port) || bpf_map_lookup_elem(&port_filter, &e->remote_port);
}

/* A known socket's description into the event. */
static __always_inline void describe_from(struct fs_socket_event *e, struct socket_state *st)
{
	e->netns = st->netns;
	__builtin_memcpy(&e->family, st->endpoints, ENDPOINTS_BYTES);
}

/* A new socket's state (with its role when connect or accept made it), keeping the event's description. */
static __always_inline struct socket_state *new_state(struct sock *sk, __u8 role, struct fs_socket_event *e)
{
	__u64 key = (__u64)sk;
	__u32 zero = 0;
	__u64 *next = bpf_map_lookup_elem(&next_socket_id, &zero);
	if (!next)
		return NULL;
	struct socket_state fresh = { .id = __sync_fetch_and_add(next, 1) + 1, .role = role, .netns = e->netns };
	__builtin_memcpy(fresh.endpoints, &e->family, ENDPOINTS_BYTES);
	bpf_map_update_elem(&sockets, &key, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&sockets, &key);
}

/* The socket's state and description: from the table when it is known, else read from struct sock and kept
 * (`*fresh` set). NULL for a socket that is not IPv4 or IPv6. */
static __always_inline struct socket_state *describe_socket(struct fs_socket_event *e, struct sock *sk, bool *fresh)
{
	__u64 key = (__u64)sk;
	struct socket_state *st = bpf_map_lookup_elem(&sockets, &key);
	if (st) {
		describe_from(e, st);
		return st;
	}
	if (!describe(e, sk))
		return NULL;
	*fresh = true;
	return new_state(sk, FS_ROLE_UNKNOWN, e);
}

static __always_inline struct scratch *scratch_event(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch, &zero);
}

/* The event's header and the fields every socket event sets. The thread's name only where user space may need
 * it (`with_comm`: a socket's first event, or a datagram, whose peer may be new): rows are named from the
 * process table, and the helper is a twentieth of an event's cost. */
static __always_inline void header(struct scratch *s, __u32 type, __u64 pid_tgid, bool with_comm)
{
	s->e.h.type = type;
	s->e.h.ts_ns = bpf_ktime_get_ns();
	s->e.h.pid = pid_tgid >> 32;
	s->e.h.tid = (__u32)pid_tgid;
	if (with_comm)
		bpf_get_current_comm(s->e.h.comm, sizeof(s->e.h.comm));
	else
		__builtin_memset(s->e.h.comm, 0, sizeof(s->e.h.comm));
	s->e.captured = 0;
	s->e.length = 0;
	s->e.seq = 0;
	s->e.direction = 0;
}

static __always_inline struct scratch *begin(__u32 type, __u64 pid_tgid)
{
	struct scratch *s = scratch_event();
	if (s)
		header(s, type, pid_tgid, true);
	return s;
}

/* The socket of a data event, described into the scratch event, when its data is wanted: an IPv4 or IPv6
 * socket, within the port filter (`addr`: an unconnected datagram socket's peer), not muted. Decided before any
 * payload is copied. */
static __always_inline struct socket_state *data_socket(struct scratch *s, struct sock *sk, __u64 addr, __u64 pid_tgid)
{
	bool fresh = false;
	struct socket_state *st = describe_socket(&s->e, sk, &fresh);
	if (!st)
		return NULL;
	peer_from_sockaddr(&s->e, addr);
	if (!ports_wanted(&s->e)) {
		count(FS_COUNT_FILTERED, 1);
		return NULL;
	}
	if (bpf_map_lookup_elem(&muted, &st->id)) {
		count(FS_COUNT_MUTED, 1);
		return NULL;
	}
	header(s, FS_EVENT_DATA, pid_tgid, fresh || s->e.sock_type != 1 /* SOCK_STREAM */);
	return st;
}

/* Copies up to `want` bytes from a user buffer to the payload at `off`; returns the bytes copied. */
static __always_inline __u32 copy_payload(struct scratch *s, __u32 off, __u64 src, __u64 want)
{
	__u32 room = fs_config.payload_max;
	if (room > FS_MAX_PAYLOAD)
		room = FS_MAX_PAYLOAD;
	if (off >= room)
		return 0;
	__u32 n = want < room - off ? want : room - off;
	off &= FS_MAX_PAYLOAD - 1;
	n &= FS_MAX_PAYLOAD * 2 - 1;
	if (n > FS_MAX_PAYLOAD)
		n = FS_MAX_PAYLOAD;
	if (n == 0 || bpf_probe_read_user(&s->data[off], n, (void *)src))
		return 0;
	return n;
}

/* Copies from an iovec array: what moved (`total` bytes) is spread over the vectors in order. */
static __always_inline __u32 copy_iovec(struct scratch *s, __u64 iov_addr, __u32 iovcnt, __u64 total)
{
	__u32 off = 0;
	__u64 left = total;
#pragma unroll
	for (int i = 0; i < MAX_IOV; i++) {
		if (i >= iovcnt || left == 0)
			break;
		struct iovec iov = {};
		if (bpf_probe_read_user(&iov, sizeof(iov), (void *)(iov_addr + i * sizeof(struct iovec))))
			break;
		__u64 len = iov.iov_len < left ? iov.iov_len : left;
		__u32 got = copy_payload(s, off, (__u64)iov.iov_base, len);
		off += got;
		left -= len;
		if (got < len)
			break; /* the payload buffer is full */
	}
	return off;
}

/* Sends a data event of `length` bytes whose payload is in scratch already. */
static __always_inline void send_data(void *ctx, struct scratch *s, struct socket_state *st, __u8 direction,
				      __u8 syscall, __u32 fd, __u64 length, __u32 captured)
{
	s->e.socket_id = st->id;
	s->e.role = st->role;
	s->e.seq = st->seq[direction & 1];
	st->seq[direction & 1] += length; /* before the output: a lost event leaves a gap user space can see */
	s->e.fd = fd;
	s->e.direction = direction;
	s->e.syscall = syscall;
	s->e.length = length;
	s->e.captured = captured;
	__u64 size = sizeof(struct fs_socket_event) + (captured & (FS_MAX_PAYLOAD * 2 - 1));
	s->e.h.size = size;
	submit(ctx, s, size);
}

/* The arguments the enter tracepoint kept for this thread's syscall, taken out of the table. */
static __always_inline bool take_inflight(__u64 id, struct inflight *a)
{
	if (fs_config.inflight_in_task) {
		struct inflight *slot = bpf_task_storage_get(&inflight_tasks, bpf_get_current_task_btf(), 0, 0);
		if (!slot || !slot->syscall)
			return false;
		*a = *slot;
		slot->syscall = 0; /* taken: an exit without its enter finds nothing */
		return true;
	}
	struct inflight *in = bpf_map_lookup_elem(&inflight, &id);
	if (!in)
		return false;
	*a = *in;
	bpf_map_delete_elem(&inflight, &id);
	return true;
}

static __always_inline bool is_ingress(__u8 syscall)
{
	return syscall == FS_SYS_READ || syscall == FS_SYS_READV || syscall == FS_SYS_RECVFROM
		|| syscall == FS_SYS_RECVMSG || syscall == FS_SYS_RECVMMSG;
}

/* The exit of a data syscall: `ret` bytes moved. */
static __always_inline void data_exit(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight a = {}; /* whole on every path: clang may move a field before the check, and the verifier refuses an unset register */
	if (!take_inflight(id, &a))
		return;
	if (ret <= 0)
		return;
	struct sock *sk = socket_of(a.fd);
	if (!sk)
		return;
	struct scratch *s = scratch_event();
	if (!s)
		return;
	__u8 direction = is_ingress(a.syscall) ? FS_INGRESS : FS_EGRESS;
	struct user_msghdr m = {};
	if (a.syscall == FS_SYS_SENDMSG || a.syscall == FS_SYS_RECVMSG) {
		if (bpf_probe_read_user(&m, sizeof(m), (void *)a.buf))
			return;
		a.addr = (__u64)m.msg_name;
	}
	struct socket_state *st = data_socket(s, sk, a.addr, id);
	if (!st)
		return;
	__u32 captured = 0;
	switch (a.syscall) {
	case FS_SYS_READ: case FS_SYS_WRITE: case FS_SYS_SENDTO: case FS_SYS_RECVFROM:
		captured = copy_payload(s, 0, a.buf, ret);
		break;
	case FS_SYS_READV: case FS_SYS_WRITEV:
		captured = copy_iovec(s, a.buf, a.count, ret);
		break;
	case FS_SYS_SENDMSG: case FS_SYS_RECVMSG:
		captured = copy_iovec(s, (__u64)m.msg_iov, m.msg_iovlen, ret);
		break;
	default:
		return;
	}
	send_data(ctx, s, st, direction, a.syscall, a.fd, ret, captured);
}

/* sendmmsg / recvmmsg: `ret` messages, each with its own length; one event per message. */
static __always_inline void mmsg_exit(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight a = {}; /* whole on every path: clang may move a field before the check, and the verifier refuses an unset register */
	if (!take_inflight(id, &a))
		return;
	if (ret <= 0)
		return;
	struct sock *sk = socket_of(a.fd);
	if (!sk)
		return;
	__u8 direction = a.syscall == FS_SYS_RECVMMSG ? FS_INGRESS : FS_EGRESS;
#pragma unroll
	for (int i = 0; i < MAX_MMSG; i++) {
		if (i >= ret)
			break;
		struct mmsghdr mm = {};
		if (bpf_probe_read_user(&mm, sizeof(mm), (void *)(a.buf + i * sizeof(struct mmsghdr))))
			break;
		struct scratch *s = scratch_event();
		if (!s)
			return;
		struct socket_state *st = data_socket(s, sk, (__u64)mm.msg_hdr.msg_name, id);
		if (!st)
			continue; /* filtered by this message's peer, or muted */
		__u32 captured = copy_iovec(s, (__u64)mm.msg_hdr.msg_iov, mm.msg_hdr.msg_iovlen, mm.msg_len);
		send_data(ctx, s, st, direction, a.syscall, a.fd, mm.msg_len, captured);
	}
}

/* connect / accept: the socket starts, with its role. */
static __always_inline void open_exit(void *ctx, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct inflight a = {}; /* whole on every path: clang may move a field before the check, and the verifier refuses an unset register */
	if (!take_inflight(id, &a))
		return;
	__u32 fd;
	__u8 role;
	if (a.syscall == FS_SYS_CONNECT) {
		if (ret != 0 && ret != -EINPROGRESS)
			return;
		fd = a.fd;
		role = FS_ROLE_CLIENT;
	} else {
		if (ret < 0)
			return;
		fd = ret;
		role = FS_ROLE_SERVER;
	}
	struct sock *sk = socket_of(fd);
	if (!sk)
		return;
	struct scratch *s = begin(FS_EVENT_OPEN, id);
	if (!s || !describe(&s->e, sk))
		return;
	if (!ports_wanted(&s->e)) {
		count(FS_COUNT_FILTERED, 1);
		return;
	}
	/* a new socket at this address, or a datagram socket connected anew: forget what was kept */
	__u64 key = (__u64)sk;
	bpf_map_delete_elem(&sockets, &key);
	struct socket_state *st = new_state(sk, role, &s->e);
	if (!st)
		return;
	s->e.socket_id = st->id;
	s->e.role = role;
	s->e.fd = fd;
	s->e.syscall = a.syscall;
	s->e.h.size = sizeof(struct fs_socket_event);
	submit(ctx, s, sizeof(struct fs_socket_event));
}

#define ENTER(name) SEC("tracepoint/syscalls/sys_enter_" #name) int enter_##name(struct trace_event_raw_sys_enter *ctx)
#define EXIT(name) SEC("tracepoint/syscalls/sys_exit_" #name) int exit_##name(struct trace_event_raw_sys_exit *ctx)

ENTER(read) { remember(FS_SYS_READ, ctx->args[0], ctx->args[1], 0, 0); return 0; }
EXIT(read) { data_exit(ctx, ctx->ret); return 0; }
ENTER(write) { remember(FS_SYS_WRITE, ctx->args[0], ctx->args[1], 0, 0); return 0; }
EXIT(write) { data_exit(ctx, ctx->ret); return 0; }
ENTER(readv) { remember(FS_SYS_READV, ctx->args[0], ctx->args[1], ctx->args[2], 0); return 0; }
EXIT(readv) { data_exit(ctx, ctx->ret); return 0; }
ENTER(writev) { remember(FS_SYS_WRITEV, ctx->args[0], ctx->args[1], ctx->args[2], 0); return 0; }
EXIT(writev) { data_exit(ctx, ctx->ret); return 0; }
ENTER(sendto) { remember(FS_SYS_SENDTO, ctx->args[0], ctx->args[1], 0, ctx->args[4]); return 0; }
EXIT(sendto) { data_exit(ctx, ctx->ret); return 0; }
ENTER(recvfrom) { remember(FS_SYS_RECVFROM, ctx->args[0], ctx->args[1], 0, ctx->args[4]); return 0; }
EXIT(recvfrom) { data_exit(ctx, ctx->ret); return 0; }
ENTER(sendmsg) { remember(FS_SYS_SENDMSG, ctx->args[0], ctx->args[1], 0, 0); return 0; }
EXIT(sendmsg) { data_exit(ctx, ctx->ret); return 0; }
ENTER(recvmsg) { remember(FS_SYS_RECVMSG, ctx->args[0], ctx->args[1], 0, 0); return 0; }
EXIT(recvmsg) { data_exit(ctx, ctx->ret); return 0; }
ENTER(sendmmsg) { remember(FS_SYS_SENDMMSG, ctx->args[0], ctx->args[1], ctx->args[2], 0); return 0; }
EXIT(sendmmsg) { mmsg_exit(ctx, ctx->ret); return 0; }
ENTER(recvmmsg) { remember(FS_SYS_RECVMMSG, ctx->args[0], ctx->args[1], ctx->args[2], 0); return 0; }
EXIT(recvmmsg) { mmsg_exit(ctx, ctx->ret); return 0; }
ENTER(connect) { remember(FS_SYS_CONNECT, ctx->args[0], 0, 0, 0); return 0; }
EXIT(connect) { open_exit(ctx, ctx->ret); return 0; }
ENTER(accept) { remember(FS_SYS_ACCEPT, ctx->args[0], 0, 0, 0); return 0; }
EXIT(accept) { open_exit(ctx, ctx->ret); return 0; }
ENTER(accept4) { remember(FS_SYS_ACCEPT4, ctx->args[0], 0, 0, 0); return 0; }
EXIT(accept4) { open_exit(ctx, ctx->ret); return 0; }

/* close: a traced socket ends (the event goes out before the fd is gone, while it still resolves). */
ENTER(close)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (!process_wanted(id >> 32))
		return 0;
	__u32 fd = ctx->args[0];
	struct sock *sk = socket_of(fd);
	if (!sk)
		return 0;
	__u64 key = (__u64)sk;
	struct socket_state *st = bpf_map_lookup_elem(&sockets, &key);
	if (!st)
		return 0; /* never traced: nothing to end */
	struct scratch *s = begin(FS_EVENT_CLOSE, id);
	if (!s)
		return 0;
	describe_from(&s->e, st);
	s->e.socket_id = st->id;
	s->e.role = st->role;
	s->e.fd = fd;
	s->e.syscall = FS_SYS_CLOSE;
	s->e.h.size = sizeof(struct fs_socket_event);
	bpf_map_delete_elem(&muted, &st->id); /* while st is still the table's */
	bpf_map_delete_elem(&sockets, &key);
	submit(ctx, s, sizeof(struct fs_socket_event));
	return 0;
}

/* sendfile and splice move bytes the program cannot see: counted, so their absence is explained. */
ENTER(sendfile64)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (process_wanted(id >> 32) && socket_of(ctx->args[0])) {
		count(FS_COUNT_SENDFILE, 1);
		count(FS_COUNT_SENDFILE_BYTES, ctx->args[3]);
	}
	return 0;
}

ENTER(splice)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (process_wanted(id >> 32) && (socket_of(ctx->args[0]) || socket_of(ctx->args[2])))
		count(FS_COUNT_SPLICE, 1);
	return 0;
}

static __always_inline struct fs_process_event *process_event(__u32 type)
{
	__u32 zero = 0;
	struct fs_process_event *p = bpf_map_lookup_elem(&process_scratch, &zero);
	if (!p)
		return NULL;
	__u64 id = bpf_get_current_pid_tgid();
	p->h.type = type;
	p->h.size = sizeof(*p);
	p->h.ts_ns = bpf_ktime_get_ns();
	p->h.pid = id >> 32;
	p->h.tid = (__u32)id;
	bpf_get_current_comm(p->h.comm, sizeof(p->h.comm));
	p->ppid = 0;
	p->child_pid = 0;
	p->exit_code = 0;
	p->filename_len = 0;
	p->cgroup_id = bpf_get_current_cgroup_id();
	p->args_len = 0;
	p->args_full_len = 0;
	return p;
}

SEC("tracepoint/sched/sched_process_exec")
int process_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct fs_process_event *p = process_event(FS_EVENT_EXEC);
	if (!p)
		return 0;
	__u32 loc = ctx->__data_loc_filename & 0xffff;
	long n = bpf_probe_read_kernel_str(p->filename, sizeof(p->filename), (void *)ctx + loc);
	p->filename_len = n > 0 ? n - 1 : 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	p->ppid = BPF_CORE_READ(task, real_parent, tgid);
	/* the new program's arguments are on its stack already: read here, a process that ends at once keeps
	 * its command line (user space reading /proc later would find it gone) */
	__u64 start = BPF_CORE_READ(task, mm, arg_start);
	__u64 end = BPF_CORE_READ(task, mm, arg_end);
	__u64 len = end > start ? end - start : 0;
	p->args_full_len = len;
	if (len > FS_ARGS_LEN)
		len = FS_ARGS_LEN;
	if (len > 0 && bpf_probe_read_user(p->args, len, (void *)start) == 0)
		p->args_len = len;
	submit(ctx, p, sizeof(*p));
	return 0;
}

SEC("tracepoint/sched/sched_process_fork")
int process_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 child = ctx->child_pid;
	/* threads are forks too at this tracepoint: user space tells them apart (a thread's events carry its
	 * group's pid); our own threads are left out here */
	if (BPF_CORE_READ(task, tgid) == fs_config.self_tgid)
		return 0;
	struct fs_process_event *p = process_event(FS_EVENT_FORK);
	if (!p)
		return 0;
	p->ppid = BPF_CORE_READ(task, tgid);
	p->child_pid = child;
	submit(ctx, p, sizeof(*p));
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int process_exit(struct trace_event_raw_sched_process_template *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((id >> 32) != (__u32)id)
		return 0; /* a thread, not the process */
	struct fs_process_event *p = process_event(FS_EVENT_EXIT);
	if (!p)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	p->exit_code = BPF_CORE_READ(task, exit_code) >> 8;
	p->ppid = BPF_CORE_READ(task, real_parent, tgid);
	submit(ctx, p, sizeof(*p));
	return 0;
}
