#!/usr/bin/python3
"""Re-frames the recorded nginx capture (../nginx-http1.pcap: real nginx and curl traffic) into one
capture per link type and fragmentation case, for LinkTypeCaptureTest.

Every TCP segment of the original goes, unchanged, into each capture: behind radiotap + 802.11, PPI +
802.11 (or PPI + Ethernet), NFLOG, PPP, PPPoE (with and without a VLAN tag), or as IPv4 / IPv6
fragments (in order, in reverse order, with overlapping duplicates). The fragment captures also carry
a few UDP conversations with datagrams large enough to be fragmented. So each capture must give the
same TCP conversations and HTTP requests as the original, and tshark says so when the golden files
are recorded.

Deterministic: no random numbers, times taken from the original. Needs scapy (Debian: python3-scapy).

Rerun (from platform/):
    /usr/bin/python3 src/test/resources/captures/linktypes/make-captures.py
    mvn -B -ntp -o test -pl platform -Dtest=LinkTypeCaptureTest -Dflowscope.record-golden=true
The second command records tshark's view of each capture as <name>.expected.json (tshark needed);
without the property the test compares Flowscope's import with those files, and with tshark present
also checks that the files still are what tshark says.
"""
import os
import struct

from scapy.all import IP, IPv6, IPv6ExtHdrFragment, TCP, UDP, Raw, Ether, Dot1Q, Dot11, Dot11QoS, Dot11Beacon, \
    Dot11Elt, LLC, SNAP, RadioTap, PcapReader, fragment, fragment6, conf

conf.verb = 0
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, '..', 'nginx-http1.pcap')
SERVER_PORT = 43507

CLIENT_MAC = '02:00:00:00:00:0c'
SERVER_MAC = '02:00:00:00:00:05'
AP_MAC = '02:00:00:00:00:ab'

LINKTYPE_ETHERNET = 1
LINKTYPE_PPP = 9
LINKTYPE_IEEE802_11 = 105
LINKTYPE_IEEE802_11_RADIOTAP = 127
LINKTYPE_PPI = 192
LINKTYPE_NFLOG = 239


def write_pcap(name, linktype, records):
    """records: (time in µs, frame bytes); a classic little-endian microsecond pcap."""
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for us, frame in records:
            f.write(struct.pack('<IIII', us // 1_000_000, us % 1_000_000, len(frame), len(frame)))
            f.write(frame)


def original():
    """(time in µs, IPv4 packet) of every frame of the recorded capture."""
    out = []
    with PcapReader(SOURCE) as r:
        for p in r:
            us = int(round(p.time * 1_000_000))
            out.append((us, p[IP]))
    return out


def from_client(ip):
    return ip[TCP].dport == SERVER_PORT


# --- 802.11 --------------------------------------------------------------------------------------

def dot11(ip, i):
    """A data frame between a station (the client) and the wired server through an AP. Most are QoS
    data; every 5th is plain data; every 4th is a 4-address (WDS) frame."""
    client = from_client(ip)
    qos = i % 5 != 0
    subtype = 8 if qos else 0
    if i % 4 == 3:  # ToDS and FromDS: RA, TA, DA, SA
        hdr = Dot11(type=2, subtype=subtype, FCfield='to-DS+from-DS', addr1=AP_MAC, addr2=AP_MAC,
                    addr3=SERVER_MAC if client else CLIENT_MAC, addr4=CLIENT_MAC if client else SERVER_MAC, SC=i << 4)
    elif client:  # ToDS: BSSID, SA, DA
        hdr = Dot11(type=2, subtype=subtype, FCfield='to-DS', addr1=AP_MAC, addr2=CLIENT_MAC, addr3=SERVER_MAC, SC=i << 4)
    else:  # FromDS: DA, BSSID, SA
        hdr = Dot11(type=2, subtype=subtype, FCfield='from-DS', addr1=CLIENT_MAC, addr2=AP_MAC, addr3=SERVER_MAC, SC=i << 4)
    if qos:
        hdr = hdr / Dot11QoS(TID=i % 8)
    return bytes(hdr / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x0800) / ip)


def wlan_extras():
    """Frames that are no IP: a beacon, a QoS null frame; and a protected (encrypted) data frame."""
    beacon = Dot11(type=0, subtype=8, addr1='ff:ff:ff:ff:ff:ff', addr2=AP_MAC, addr3=AP_MAC) / Dot11Beacon() \
        / Dot11Elt(ID='SSID', info=b'flowscope')
    qos_null = Dot11(type=2, subtype=12, FCfield='to-DS', addr1=AP_MAC, addr2=CLIENT_MAC, addr3=AP_MAC) / Dot11QoS()
    protected = Dot11(type=2, subtype=8, FCfield='to-DS+protected', addr1=AP_MAC, addr2=CLIENT_MAC, addr3=SERVER_MAC) \
        / Dot11QoS() / Raw(bytes(range(8)) + bytes(range(64)))
    return [bytes(beacon), bytes(qos_null), bytes(protected)]


def radiotap(frame):
    return bytes(RadioTap(present='Flags+Rate+Channel', Flags=0, Rate=2, ChannelFrequency=2437,
                          ChannelFlags='2GHz+CCK')) + frame


def ppi(frame, dlt):
    """A PPI header with one 802.11-common field (all zero), then the frame of link type dlt."""
    field = struct.pack('<HH', 2, 20) + bytes(20)
    return struct.pack('<BBHI', 0, 0, 8 + len(field), dlt) + field + frame


def wlan_captures(packets):
    extras = wlan_extras()
    t0 = packets[0][0] - 1000
    rt = [(t0 + k, radiotap(f)) for k, f in enumerate(extras)]
    rt += [(us, radiotap(dot11(ip, i))) for i, (us, ip) in enumerate(packets)]
    write_pcap('radiotap-wlan.pcap', LINKTYPE_IEEE802_11_RADIOTAP, rt)
    # PPI: 802.11 inside, but every 7th frame an Ethernet frame (PPI names the link type per frame)
    pp = [(t0 + k, ppi(f, LINKTYPE_IEEE802_11)) for k, f in enumerate(extras)]
    for i, (us, ip) in enumerate(packets):
        if i % 7 == 6:
            eth = Ether(src=CLIENT_MAC if from_client(ip) else SERVER_MAC, dst=SERVER_MAC if from_client(ip) else CLIENT_MAC) / ip
            pp.append((us, ppi(bytes(eth), LINKTYPE_ETHERNET)))
        else:
            pp.append((us, ppi(dot11(ip, i), LINKTYPE_IEEE802_11)))
    write_pcap('ppi-wlan.pcap', LINKTYPE_PPI, pp)


# --- NFLOG ----------------------------------------------------------------------------------------

def tlv(t, value):
    """An NFLOG TLV: length and type in the logging host's byte order (here little-endian), padded to 4."""
    body = struct.pack('<HH', 4 + len(value), t) + value
    return body + bytes(-len(body) % 4)


def nflog(ip, i):
    hdr = struct.pack('>BBH', 2, 0, 7)  # AF_INET, version 0, resource id (group) 7, big-endian
    packet_hdr = struct.pack('>HBB', 0x0800, 1 if from_client(ip) else 3, 0)  # hw protocol, hook, pad
    prefix = b'flowscope\x00'
    tlvs = tlv(1, packet_hdr) + tlv(10, prefix)
    if i % 3 == 0:
        tlvs += tlv(11, struct.pack('>I', 1000 + i))  # NFULA_UID
    return hdr + tlvs + tlv(9, bytes(ip))


def nflog_capture(packets):
    write_pcap('nflog.pcap', LINKTYPE_NFLOG, [(us, nflog(ip, i)) for i, (us, ip) in enumerate(packets)])


# --- PPP and PPPoE ----------------------------------------------------------------------------------

LCP_ECHO = b'\xc0\x21' + bytes([9, 1, 0, 8]) + b'\x00\x00\x00\x00'


def ppp(ip, i):
    """Every other frame with the HDLC address and control bytes; every third with a 1-byte protocol."""
    proto = b'\x21' if i % 3 == 0 else b'\x00\x21'
    return (b'\xff\x03' if i % 2 == 0 else b'') + proto + bytes(ip)


def pppoe_session(payload):
    return struct.pack('>BBHH', 0x11, 0, 0x0042, len(payload)) + payload


def pppoe_frame(ip, i, vlan):
    client = from_client(ip)
    proto = b'\x21' if i % 3 == 0 else b'\x00\x21'
    eth = Ether(src=CLIENT_MAC if client else SERVER_MAC, dst=SERVER_MAC if client else CLIENT_MAC, type=0x8864)
    if vlan:
        eth = Ether(src=eth.src, dst=eth.dst) / Dot1Q(vlan=vlan, type=0x8864)
    return bytes(eth) + pppoe_session(proto + bytes(ip))


def pppoe_discovery(vlan):
    """A PADI (discovery, ethertype 0x8863): no IP, ignored."""
    tags = struct.pack('>HH', 0x0101, 0)  # Service-Name, empty
    eth = Ether(src=CLIENT_MAC, dst='ff:ff:ff:ff:ff:ff', type=0x8863)
    if vlan:
        eth = Ether(src=CLIENT_MAC, dst='ff:ff:ff:ff:ff:ff') / Dot1Q(vlan=vlan, type=0x8863)
    return bytes(eth) + struct.pack('>BBHH', 0x11, 0x09, 0, len(tags)) + tags


def ppp_captures(packets):
    t0 = packets[0][0] - 1000
    recs = [(t0, b'\xff\x03' + LCP_ECHO)]
    recs += [(us, ppp(ip, i)) for i, (us, ip) in enumerate(packets)]
    write_pcap('ppp.pcap', LINKTYPE_PPP, recs)
    for name, vlan in (('pppoe.pcap', 0), ('pppoe-vlan.pcap', 100)):
        recs = [(t0, pppoe_discovery(vlan))]
        client = Ether(src=CLIENT_MAC, dst=SERVER_MAC, type=0x8864)
        if vlan:
            client = Ether(src=CLIENT_MAC, dst=SERVER_MAC) / Dot1Q(vlan=vlan, type=0x8864)
        recs.append((t0 + 1, bytes(client) + pppoe_session(LCP_ECHO)))
        recs += [(us, pppoe_frame(ip, i, vlan)) for i, (us, ip) in enumerate(packets)]
        write_pcap(name, LINKTYPE_ETHERNET, recs)


# --- fragments ----------------------------------------------------------------------------------------

FRAGMENT_DATA = 256  # data bytes per fragment (a multiple of 8): a small MTU
BIG = 600            # packets longer than this are fragmented


def udp_exchanges(t_start, v6):
    """A few UDP conversations (not in the original), with datagrams of 100 to 9,000 bytes: (time, packet)."""
    out = []
    lo = '::1' if v6 else '127.0.0.1'
    for k, (cport, sizes) in enumerate(((40001, (3000, 5000)), (40002, (100, 9000)), (40003, (1400, 1400, 200)))):
        for j, size in enumerate(sizes):
            to_server = j % 2 == 0
            sport, dport = (cport, 9999) if to_server else (9999, cport)
            payload = bytes((n * 7 + k + j) % 251 for n in range(size))
            l3 = IPv6(src=lo, dst=lo, hlim=64) if v6 else IP(src=lo, dst=lo, ttl=64, id=0x5000 + k * 16 + j)
            out.append((t_start + k * 10_000 + j * 1000, l3 / UDP(sport=sport, dport=dport) / Raw(payload)))
    return out


def arrange(frags, n):
    """The fragments of the n-th fragmented packet: in order; in reverse order; or out of order with a
    duplicate and an overlap (fragment 1 again after fragments 2 and 1, then a copy of the bytes across
    fragments 0 and 1, all before the rest: two overlaps each)."""
    if n % 3 == 1:
        return list(reversed(frags))
    if n % 3 == 2 and len(frags) >= 4:
        return [frags[0], frags[2], frags[1], frags[1], overlap(frags[0], frags[1])] + frags[3:]
    return frags


def overlap(a, b):
    """A fragment of the same bytes as the second half of a and the first half of b (identical data)."""
    if IP in a:
        data = bytes(a[IP].payload) + bytes(b[IP].payload)
        half = FRAGMENT_DATA // 2
        f = a.copy()
        f[IP].remove_payload()
        f[IP].frag = a[IP].frag + half // 8
        f[IP].flags = 'MF'
        f[IP].len = None
        f[IP].chksum = None
        return IP(bytes(f[IP] / Raw(data[half:half + FRAGMENT_DATA])))
    fa, fb = a[IPv6ExtHdrFragment], b[IPv6ExtHdrFragment]
    data = bytes(fa.payload) + bytes(fb.payload)
    half = len(bytes(fa.payload)) // 2 // 8 * 8
    f = IPv6(src=a[IPv6].src, dst=a[IPv6].dst, hlim=a[IPv6].hlim) / IPv6ExtHdrFragment(
        nh=fa.nh, offset=fa.offset + half // 8, m=1, id=fa.id) / Raw(data[half:half + len(bytes(fa.payload))])
    return IPv6(bytes(f))


def as_ipv6(ip):
    """The same TCP segment between ::1 and ::1 (checksum recomputed)."""
    tcp = ip[TCP].copy()
    tcp.chksum = None
    return IPv6(bytes(IPv6(src='::1', dst='::1', hlim=64) / tcp))


def fragment_captures(packets):
    for name, v6 in (('ipv4-fragments.pcap', False), ('ipv6-fragments.pcap', True)):
        recs = []
        n = 0
        items = [(us, as_ipv6(ip) if v6 else ip) for us, ip in packets]
        items += udp_exchanges(packets[-1][0] + 1_000_000, v6)
        for index, (us, pkt) in enumerate(items):
            if len(pkt) <= BIG:
                recs.append((us, pkt))
                continue
            if v6:
                f6 = IPv6(src=pkt.src, dst=pkt.dst, hlim=pkt.hlim) / IPv6ExtHdrFragment(nh=pkt.nh, id=0x10000 + index) / pkt.payload
                frags = [IPv6(bytes(f)) for f in fragment6(f6, 40 + 8 + FRAGMENT_DATA)]
            else:
                pkt = pkt.copy()
                pkt.id = 0x1000 + index
                frags = [IP(bytes(f)) for f in fragment(pkt, fragsize=FRAGMENT_DATA)]
            for k, f in enumerate(arrange(frags, n)):
                recs.append((us + k, f))
            n += 1
        recs = [(us, bytes(Ether(src=CLIENT_MAC, dst=SERVER_MAC, type=0x86dd if v6 else 0x0800) / p)) for us, p in recs]
        write_pcap(name, LINKTYPE_ETHERNET, recs)


def main():
    packets = original()
    wlan_captures(packets)
    nflog_capture(packets)
    ppp_captures(packets)
    fragment_captures(packets)


if __name__ == '__main__':
    main()
