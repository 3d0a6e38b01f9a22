#!/usr/bin/env python3
"""Cuts one TCP stream of a capture into a conformance-kit .session file (segments as captured).

usage: cut-session.py CAPTURE STREAM SERVER_PORT "comment" [MAX_SEGMENTS] > name.session
(MAX_SEGMENTS keeps a long connection's first segments only: the kit's checks are quadratic in a session's length)
Needs tshark. The expected lines (= ...) are written by the kit: run the tests with
-Dflowscope.kit.regenerate=true and review what it wrote.
"""
import subprocess, sys

cap, stream, port, comment = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
limit = int(sys.argv[5]) if len(sys.argv) > 5 else None
out = subprocess.run(["tshark", "-n", "-r", cap, "-Y", f"tcp.stream=={stream} && tcp.len>0",
                      "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.payload"],
                     capture_output=True, text=True, check=True).stdout

def esc(b):
    s = []
    for c in b:
        if c == 13: s.append("\\r")
        elif c == 10: s.append("\\n")
        elif c == 9: s.append("\\t")
        elif c == 92: s.append("\\\\")
        elif 32 <= c < 127: s.append(chr(c))
        else: s.append("\\x%02x" % c)
    return s

print("# " + comment)
last = None
for line in out.splitlines()[:limit]:
    src, payload = line.split("\t")
    d = "<" if src == port else ">"
    data = bytes.fromhex(payload.replace(":", ""))
    if last == d:
        print("---")
    last = d
    parts, cur = [], ""
    for t in esc(data):
        if len(cur) + len(t) > 100:
            parts.append(cur); cur = ""
        cur += t
    parts.append(cur)
    for p in parts:
        # a line's leading/trailing space would be lost to editors: escape it
        if p.startswith(" "): p = "\\x20" + p[1:]
        if p.endswith(" "): p = p[:-1] + "\\x20"
        print(d + " " + p)
