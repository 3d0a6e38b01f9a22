#!/usr/bin/python3
"""Makes the tunnel golden captures from the real nginx capture, one per kind of tunnel.

Every frame of ../nginx-http1.pcap (nginx and curl on loopback, recorded by NginxCaptureTest), followed by three
DNS-like UDP exchanges made here, is put into a tunnel as the tunnel would carry it: the client's packets (those to
the nginx port, or to port 53) go from tunnel end A to tunnel end B, the server's from B to A. The inner packets are
kept byte for byte (the 6in4 and IPv6-in-IPv6 captures carry the same segments moved into IPv6, so their TCP
checksums are new); timestamps are the original ones.

Deterministic: the same input gives the same bytes. To make them again, from this directory:

    /usr/bin/python3 make-tunnels.py      # Debian's python3-scapy (apt-get install python3-scapy)

then record tshark's view of each capture as its golden file (needs tshark), from platform/:

    mvn -o test -pl platform -Dtest=TunnelCaptureTest -Dflowscope.golden.update=true
"""

import os
import sys

from scapy.all import DNS, DNSQR, DNSRR, GRE, IP, IPv6, TCP, UDP, Ether, Raw, rdpcap, wrpcap
from scapy.contrib.erspan import ERSPAN_I, ERSPAN_II, ERSPAN_III, ERSPAN_PlatformSpecific
from scapy.contrib.geneve import GENEVE
from scapy.layers.vxlan import VXLAN

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "nginx-http1.pcap")
NGINX_PORT = int(open(os.path.join(HERE, "..", "nginx-http1.port")).read().strip())

# the tunnel ends: A on the client's side, B on the server's
MAC_A, MAC_B = "02:00:00:00:0a:01", "02:00:00:00:0b:02"
IP_A, IP_B = "192.0.2.1", "192.0.2.2"
IP6_A, IP6_B = "2001:db8::a", "2001:db8::b"
# the middle level of the nested capture
MID_A, MID_B = "172.16.0.1", "172.16.0.2"


def inner_frames():
    """The nginx frames, then three DNS-like exchanges on loopback: (time, Ether frame, from the client?)."""
    frames = []
    for p in rdpcap(SOURCE):
        frames.append((p.time, p, p[TCP].dport == NGINX_PORT))
    last = frames[-1][0]
    for i in range(3):
        sport = 53001 + i
        q = Ether(src="00:00:00:00:00:00", dst="00:00:00:00:00:00") / IP(src="127.0.0.1", dst="127.0.0.1", id=100 + i) \
            / UDP(sport=sport, dport=53) / DNS(id=0x1000 + i, rd=1, qd=DNSQR(qname="host%d.example" % i))
        r = Ether(src="00:00:00:00:00:00", dst="00:00:00:00:00:00") / IP(src="127.0.0.1", dst="127.0.0.1", id=200 + i) \
            / UDP(sport=53, dport=sport) / DNS(id=0x1000 + i, qr=1, rd=1, ra=1, qd=DNSQR(qname="host%d.example" % i),
                                               an=DNSRR(rrname="host%d.example" % i, rdata="10.0.0.%d" % (i + 1)))
        frames.append((last + 0.001 * (2 * i + 1), q, True))
        frames.append((last + 0.001 * (2 * i + 2), r, False))
    return frames


def outer4(to_server):
    return Ether(src=MAC_A, dst=MAC_B) / IP(src=IP_A, dst=IP_B) if to_server else \
        Ether(src=MAC_B, dst=MAC_A) / IP(src=IP_B, dst=IP_A)


def outer6(to_server):
    return Ether(src=MAC_A, dst=MAC_B) / IPv6(src=IP6_A, dst=IP6_B) if to_server else \
        Ether(src=MAC_B, dst=MAC_A) / IPv6(src=IP6_B, dst=IP6_A)


def entropy_port(frame):
    """A source port from the inner flow, as Linux's vxlan driver picks one (here: stable and simple)."""
    l4 = frame[TCP] if TCP in frame else frame[UDP]
    return 49152 + (l4.sport + l4.dport) % 16384


def as_ipv6(frame):
    """The same segment in IPv6 (::1 to ::1), its checksum made anew."""
    ip = frame[IP]
    l4 = ip.payload.copy()
    del l4.chksum
    return IPv6(src="::1", dst="::1", hlim=ip.ttl) / l4


def vxlan(vni):
    return lambda f, c, i: outer4(c) / UDP(sport=entropy_port(f), dport=4789) / VXLAN(flags=0x08, vni=vni) / f


def vxlan6(f, c, i):
    return outer6(c) / UDP(sport=entropy_port(f), dport=4789) / VXLAN(flags=0x08, vni=4242) / f


def geneve(f, c, i):
    # one 8-byte option (class 0x0102, type 0x80, 4 bytes of data): skipped by its length
    option = bytes([0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef])
    g = GENEVE(version=0, optionlen=2, proto=0x6558, vni=77) / Raw(option)
    return outer4(c) / UDP(sport=entropy_port(f), dport=6081) / Raw(bytes(g)) / f


def gre_ip(f, c, i):
    # checksum, key and sequence number all present
    return outer4(c) / GRE(chksum_present=1, key_present=1, seqnum_present=1, key=1000, sequence_number=i, proto=0x0800) / f[IP]


def gre_teb(f, c, i):
    return outer4(c) / GRE(key_present=1, key=7777, proto=0x6558) / f


def erspan1(f, c, i):
    return outer4(c) / GRE(proto=0x88be) / ERSPAN_I() / f


def erspan2(f, c, i):
    return outer4(c) / GRE(seqnum_present=1, sequence_number=i, proto=0x88be) \
        / ERSPAN_II(ver=1, session_id=100, index=i) / f


def erspan3(f, c, i):
    # every other frame carries the optional platform-specific subheader (O bit)
    if i % 2:
        return outer4(c) / GRE(seqnum_present=1, sequence_number=i, proto=0x22eb) \
            / ERSPAN_III(session_id=513, timestamp=i, o=1) / ERSPAN_PlatformSpecific(platf_id=3, info1=1, info2=i) / f
    return outer4(c) / GRE(seqnum_present=1, sequence_number=i, proto=0x22eb) / ERSPAN_III(session_id=513, timestamp=i) / f


def ipip(f, c, i):
    return outer4(c) / f[IP]


def sixin4(f, c, i):
    return outer4(c) / as_ipv6(f)


def ip6ip6(f, c, i):
    return outer6(c) / as_ipv6(f)


def vxlan_in_gre(f, c, i):
    mid = IP(src=MID_A, dst=MID_B) if c else IP(src=MID_B, dst=MID_A)
    return outer4(c) / GRE(key_present=1, key=55, proto=0x0800) / mid / UDP(sport=entropy_port(f), dport=4789) \
        / VXLAN(flags=0x08, vni=42) / f


CAPTURES = {
    "vxlan": [vxlan(42)],
    "vxlan6": [vxlan6],
    "geneve": [geneve],
    "gre": [gre_ip],
    "gre-teb": [gre_teb],
    "erspan1": [erspan1],
    "erspan2": [erspan2],
    "erspan3": [erspan3],
    "ipip": [ipip],
    "6in4": [sixin4],
    "ip6ip6": [ip6ip6],
    "vxlan-in-gre": [vxlan_in_gre],
    # every frame twice, in VNI 1 and then in VNI 2: the same conversations at the same time
    "vxlan-two-vnis": [vxlan(1), vxlan(2)],
    # every frame twice, in VXLAN and as it was
    "vxlan-and-plain": [vxlan(42), lambda f, c, i: f],
}


def main():
    frames = inner_frames()
    for name, wraps in CAPTURES.items():
        out = []
        for i, (t, f, to_server) in enumerate(frames):
            for n, wrap in enumerate(wraps):
                p = wrap(f, to_server, i)
                p.time = t + n * 0.000001
                out.append(p)
        wrpcap(os.path.join(HERE, name + ".pcap"), out)
        print("%s.pcap: %d frames" % (name, len(out)), file=sys.stderr)


if __name__ == "__main__":
    main()
