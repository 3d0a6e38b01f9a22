#!/usr/bin/env python3
"""A test peer that moves known bytes through the less common socket syscalls, so the socket-trace program's
handling of each can be checked: writev/readv and sendmsg/recvmsg (several iovecs) over loopback TCP, and
sendmmsg/recvmmsg (several datagrams in one call, through libc with ctypes) over loopback UDP.

It prints its pid, waits for a line on stdin (the test adds the pid to the probe's filter meanwhile), runs,
and prints what it sent, one message per line as <syscall> <hex payload>."""
import ctypes
import os
import socket
import sys

print(os.getpid(), flush=True)
sys.stdin.readline()

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
cli = socket.create_connection(srv.getsockname())
acc, _ = srv.accept()

# writev with three vectors, read back with readv into two
parts = [b"writev-part-one|", b"writev-part-two|", b"writev-part-three"]
os.writev(cli.fileno(), parts)
a, b = bytearray(20), bytearray(100)
got = os.readv(acc.fileno(), [a, b])
assert got == sum(len(p) for p in parts), got
print("writev", b"".join(parts).hex(), flush=True)

# sendmsg with two vectors, received with recvmsg
msg = [b"sendmsg-head|", b"sendmsg-tail"]
acc.sendmsg(msg)
data, _, _, _ = cli.recvmsg(1000)
assert data == b"".join(msg), data
print("sendmsg", data.hex(), flush=True)
cli.close()
acc.close()
srv.close()

# sendmmsg / recvmmsg: four datagrams each way through one call
libc = ctypes.CDLL(None, use_errno=True)


class Iovec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


class Msghdr(ctypes.Structure):
    _fields_ = [("msg_name", ctypes.c_void_p), ("msg_namelen", ctypes.c_uint32), ("msg_iov", ctypes.POINTER(Iovec)),
                ("msg_iovlen", ctypes.c_size_t), ("msg_control", ctypes.c_void_p), ("msg_controllen", ctypes.c_size_t),
                ("msg_flags", ctypes.c_int)]


class Mmsghdr(ctypes.Structure):
    _fields_ = [("msg_hdr", Msghdr), ("msg_len", ctypes.c_uint32)]


rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.connect(rx.getsockname())
datagrams = [("datagram-%d-" % i).encode() + b"x" * (10 * i) for i in range(4)]
bufs = [ctypes.create_string_buffer(d, len(d)) for d in datagrams]
iovs = [Iovec(ctypes.cast(b, ctypes.c_void_p), len(d)) for b, d in zip(bufs, datagrams)]
msgs = (Mmsghdr * 4)()
for i in range(4):
    msgs[i].msg_hdr.msg_iov = ctypes.pointer(iovs[i])
    msgs[i].msg_hdr.msg_iovlen = 1
sent = libc.sendmmsg(tx.fileno(), msgs, 4, 0)
assert sent == 4, (sent, ctypes.get_errno())
rbufs = [ctypes.create_string_buffer(200) for _ in range(4)]
riovs = [Iovec(ctypes.cast(b, ctypes.c_void_p), 200) for b in rbufs]
rmsgs = (Mmsghdr * 4)()
for i in range(4):
    rmsgs[i].msg_hdr.msg_iov = ctypes.pointer(riovs[i])
    rmsgs[i].msg_hdr.msg_iovlen = 1
received = libc.recvmmsg(rx.fileno(), rmsgs, 4, 0, None)
assert received == 4, (received, ctypes.get_errno())
for i in range(4):
    assert rbufs[i].raw[:rmsgs[i].msg_len] == datagrams[i]
    print("sendmmsg", datagrams[i].hex(), flush=True)
print("done", flush=True)
