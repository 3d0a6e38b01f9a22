# Cuts each TCP stream of a capture into a .session file of the conformance kit, one segment per packet.
# usage: cut-sessions.py CAPTURE SERVER_PORT OUT_DIR PREFIX NOTE [SEGMENTS_TO_SKIP_OF_STREAM_0]  (needs tshark)
import subprocess, sys, collections
pcap, port, outdir, prefix, note = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
out = subprocess.run(["tshark", "-r", pcap, "-Y", "tcp.len>0", "-T", "fields", "-e", "tcp.stream", "-e", "tcp.dstport", "-e", "tcp.payload"],
                     capture_output=True, text=True, check=True).stdout
streams = collections.OrderedDict()
for line in out.splitlines():
    s, dport, payload = line.split("\t")
    streams.setdefault(int(s), []).append((int(dport) == port, bytes.fromhex(payload.replace(":", ""))))
def esc(b):
    o = []
    for c in b:
        if c == 13: o.append("\\r")
        elif c == 10: o.append("\\n")
        elif c == 9: o.append("\\t")
        elif c == 92: o.append("\\\\")
        elif 32 <= c < 127: o.append(chr(c))
        else: o.append("\\x%02x" % c)
    return "".join(o)
for s, segs in streams.items():
    lines = ["# " + note + " (tcp.stream %d)" % s]
    prev = None
    skip = int(sys.argv[6]) if len(sys.argv) > 6 and s == 0 else 0
    if skip:
        lines.append("# its first %d segments (redis-cli's COMMAND DOCS and its 200 KB reply) are left out" % skip)
    for to_server, b in segs[skip:]:
        if prev is not None:
            lines.append("---")
        mark = "> " if to_server else "< "
        text = esc(b)
        # lines of at most ~110 chars, never cutting an escape
        chunk = ""
        i = 0
        while i < len(text):
            step = 2 if text[i] == "\\" and text[i+1] != "x" else (4 if text[i] == "\\" else 1)
            chunk += text[i:i+step]; i += step
            if len(chunk) >= 110:
                lines.append(mark + (chunk[:-1] + "\\x20" if chunk.endswith(" ") else chunk)); chunk = ""
        if chunk:
            lines.append(mark + (chunk[:-1] + "\\x20" if chunk.endswith(" ") else chunk))
        prev = to_server
    open("%s/%s-%d.session" % (outdir, prefix, s), "w").write("\n".join(lines) + "\n")
    print(s, len(segs))
