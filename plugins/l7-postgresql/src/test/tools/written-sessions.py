#!/usr/bin/env python3
"""Writes the written-*.session files: protocol cases the recorded clients do not send, built message by
message (PostgreSQL protocol 3, https://www.postgresql.org/docs/current/protocol-message-formats.html).
The expected lines (= ...) are the kit's: run the tests with -Dflowscope.kit.regenerate=true and review.
usage: written-sessions.py DIR"""
import struct, sys, os

def m(t, body=b""): return t.encode() + struct.pack(">i", len(body) + 4) + body
def cs(s): return (s if isinstance(s, bytes) else s.encode()) + b"\0"
def startup(**params):
    body = struct.pack(">i", 196608) + b"".join(cs(k) + cs(v) for k, v in params.items()) + b"\0"
    return struct.pack(">i", len(body) + 4) + body
def untyped(code, extra=b""): return struct.pack(">ii", 8 + len(extra), code) + extra
def Q(sql): return m("Q", cs(sql))
def P(name, sql): return m("P", cs(name) + cs(sql) + struct.pack(">h", 0))
def B(portal, stmt): return m("B", cs(portal) + cs(stmt) + struct.pack(">hhh", 0, 0, 0))
def D(kind, name): return m("D", kind.encode() + cs(name))
def E(portal, rows=0): return m("E", cs(portal) + struct.pack(">i", rows))
S = m("S"); H = m("H")
def C(tag): return m("C", cs(tag))
def Z(st="I"): return m("Z", st.encode())
def err(sev, code, msg): return m("E", b"S" + cs(sev) + b"V" + cs(sev) + b"C" + cs(code) + b"M" + cs(msg) + b"\0")
def notice(code, msg): return m("N", b"SNOTICE\0VNOTICE\0C" + cs(code) + b"M" + cs(msg) + b"\0")
AUTH_OK = m("R", struct.pack(">i", 0))
READY = AUTH_OK + m("S", cs("server_version") + cs("15.18")) + m("K", struct.pack(">ii", 4242, 123456789)) + Z()
T1 = m("T", struct.pack(">h", 1) + cs("x") + struct.pack(">ihihih", 0, 0, 23, 4, -1, 0))
def DR(v): return m("D", struct.pack(">hi", 1, len(v)) + v.encode())

def esc(b):
    out = []
    for c in b:
        if c == 13: out.append("\\r")
        elif c == 10: out.append("\\n")
        elif c == 9: out.append("\\t")
        elif c == 92: out.append("\\\\")
        elif 32 <= c < 127 and not (c == 32 and False): out.append(chr(c))
        else: out.append("\\x%02x" % c)
    return out

def write(path, comment, segments):
    with open(path, "w") as f:
        f.write("# " + comment + "\n")
        last = None
        for d, data in segments:
            if d == last: f.write("---\n")
            last = d
            parts, cur = [], ""
            for t in esc(data):
                if len(cur) + len(t) > 100: parts.append(cur); cur = ""
                cur += t
            parts.append(cur)
            for p in parts:
                if p.startswith(" "): p = "\\x20" + p[1:]
                if p.endswith(" "): p = p[:-1] + "\\x20"
                f.write(d + " " + p + "\n")

d = sys.argv[1]
SSL = untyped(80877103); GSS = untyped(80877104)
write(os.path.join(d, "written-ssl-accepted.session"),
      "written: an SSLRequest the server accepts with S: TLS follows, nothing more is parsed (reported as encrypted)",
      [(">", SSL), ("<", b"S"), (">", bytes.fromhex("160301004a010000460303") + b"\x00" * 40), ("<", bytes.fromhex("160303003d0200003903030a0b") + b"\x11" * 40),
       (">", bytes.fromhex("1703030020") + b"Q\x00\x00\x00\x0dSELECT 1\x00" + b"\x22" * 19)])
write(os.path.join(d, "written-gssenc-refused.session"),
      "written: a GSSENCRequest refused with N, then a startup in clear and a query",
      [(">", GSS), ("<", b"N"), (">", startup(user="alice", database="inventory")), ("<", READY),
       (">", Q("SELECT 42")), ("<", T1 + DR("42") + C("SELECT 1") + Z())])
write(os.path.join(d, "written-cancel-request.session"),
      "written: a CancelRequest (its process id and secret key are not kept); no answer comes",
      [(">", untyped(80877102, struct.pack(">ii", 4242, 123456789)))])
write(os.path.join(d, "written-pipelined-error.session"),
      "written: three statements pipelined before one Sync, the second fails at Bind (22P02): the third is not executed;"
      " then a Flush that makes the server answer before the Sync",
      [(">", startup(user="bob", database="shop")), ("<", READY),
       (">", P("", "INSERT INTO t VALUES ($1)") + B("", "") + E("") + P("", "INSERT INTO t VALUES ($1::int)") + B("", "") + E("")
             + P("", "DELETE FROM t WHERE id = 7") + B("", "") + E("") + S),
       ("<", m("1") + m("2") + C("INSERT 0 1") + m("1") + err("ERROR", "22P02", 'invalid input syntax for type integer: "x"') + Z()),
       (">", P("", "SELECT x FROM t") + B("", "") + D("P", "") + E("") + H),
       ("<", m("1") + m("2") + T1 + DR("1") + DR("2") + C("SELECT 2")),
       (">", S), ("<", Z())])
write(os.path.join(d, "written-empty-query-and-portal-suspended.session"),
      "written: an empty Query (EmptyQueryResponse), a portal run one row at a time (PortalSuspended, then"
      " CommandComplete), a named statement closed, an Execute of a statement prepared before the capture",
      [(">", startup(user="carol", database="shop")), ("<", READY),
       (">", Q("")), ("<", m("I") + Z()),
       (">", Q("BEGIN")), ("<", C("BEGIN") + Z("T")),
       (">", P("s1", "SELECT x FROM t ORDER BY x") + B("c1", "s1") + E("c1", 1) + E("c1", 1) + E("c1", 0) + S),
       ("<", m("1") + m("2") + DR("1") + m("s") + DR("2") + m("s") + DR("3") + C("SELECT 1") + Z("T")),
       (">", m("C", b"S" + cs("s1")) + B("", "s1") + E("") + S),
       ("<", m("3") + err("ERROR", "26000", 'prepared statement "s1" does not exist') + Z("E")),
       (">", B("", "before_capture") + E("") + S),
       ("<", m("2") + C("UPDATE 4") + Z("E")),
       (">", Q("ROLLBACK")), ("<", C("ROLLBACK") + Z())])
write(os.path.join(d, "written-startup-password-refused.session"),
      "written: a startup asking for a cleartext password: the PasswordMessage is skipped unread, the server refuses"
      " it (FATAL 28P01, a server error as DeepFlow classes it) and closes",
      [(">", startup(user="mallory", database="shop")), ("<", m("R", struct.pack(">i", 3))),
       (">", m("p", cs("hunter2-secret"))), ("<", err("FATAL", "28P01", 'password authentication failed for user "mallory"'))])
write(os.path.join(d, "written-async-messages.session"),
      "written: NoticeResponse, ParameterStatus and NotificationResponse inside and between answers are not taken"
      " for answers",
      [(">", startup(user="dave", database="shop")), ("<", READY),
       (">", Q("LISTEN jobs")), ("<", C("LISTEN") + Z()),
       (">", Q("DROP TABLE IF EXISTS gone")), ("<", notice("00000", 'table "gone" does not exist, skipping') + C("DROP TABLE") + Z()),
       ("<", m("A", struct.pack(">i", 4343) + cs("jobs") + cs("42"))),
       (">", Q("SET TimeZone = 'UTC'")), ("<", C("SET") + m("S", cs("TimeZone") + cs("UTC")) + Z())])
write(os.path.join(d, "written-obfuscation.session"),
      "written: the literals PostgreSQL's lexer knows, each replaced by ?, and what is kept as it is",
      [(">", Q("SELECT 'it''s', E'a\\'b', B'101', X'FF', U&'d\\0061t', N'n', $$dollar 'q'$$, $tag$x$y$tag$, 42, -7, 3.5, .5, 1e-3,"
               " 0x1F, t1.c2, \"Col 1\", $1 FROM t /* 'kept' /* nested 5 */ too */ WHERE a-1 > 2 -- note 'kept'")),
       ("<", T1 + DR("1") + C("SELECT 1") + Z())])
write(os.path.join(d, "written-function-call.session"),
      "written: a FunctionCall (the fast-path interface) answered by FunctionCallResponse",
      [(">", startup(user="erin", database="shop")), ("<", READY),
       (">", m("F", struct.pack(">ih", 1598, 0) + struct.pack(">h", 0) + struct.pack(">h", 0))),
       ("<", m("V", struct.pack(">i", 4) + b"\0\0\0\x07") + Z())])
