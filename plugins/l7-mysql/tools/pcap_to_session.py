#!/usr/bin/env python3
"""Cuts one TCP stream of a capture into a conformance-kit session file (plugin-api's RecordedSession format).

Usage: pcap_to_session.py CAPTURE SERVER_PORT STREAM [FIRST_FRAME LAST_FRAME] > name.session
Each TCP segment with payload becomes one segment of the session ('---' between two of the same direction), its
bytes escaped (\\r \\n \\t \\\\ \\xHH); the expected '= ' lines are written by the kit with -Dflowscope.kit.regenerate=true.
"""
import subprocess
import sys


def escape(data: bytes) -> list:
    """The escaped bytes, one unit per byte (lines are cut between units, never inside an escape)."""
    out = []
    for b in data:
        c = chr(b)
        if c == '\\':
            out.append('\\\\')
        elif c == '\r':
            out.append('\\r')
        elif c == '\n':
            out.append('\\n')
        elif c == '\t':
            out.append('\\t')
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append('\\x%02x' % b)
    return out


def main():
    capture, port, stream = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    frames = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else None
    rows = subprocess.run(['tshark', '-n', '-r', capture, '-Y', 'tcp.stream==%s && tcp.len>0' % stream, '-T', 'fields',
                           '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.payload'],
                          check=True, capture_output=True, text=True).stdout.splitlines()
    print('# recorded from MariaDB 10.11 on loopback (%s, tcp.stream %s)' % (capture.split('/')[-1], stream))
    last = None
    for row in rows:
        number, src, payload = row.split('\t')
        if frames and not frames[0] <= int(number) <= frames[1]:
            continue
        d = '<' if int(src) == port else '>'
        if last == d:
            print('---')
        data = bytes.fromhex(payload.replace(':', ''))
        line = ''
        for unit in escape(data):
            if len(line) + len(unit) > 110:
                print('%s %s' % (d, line))
                line = ''
            line += unit
        if line:
            print('%s %s' % (d, line))
        last = d


if __name__ == '__main__':
    main()
