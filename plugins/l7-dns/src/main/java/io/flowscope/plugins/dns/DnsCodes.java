package io.flowscope.plugins.dns;

/** Names of DNS record types, response codes and opcodes, as IANA registers them and dig prints them. */
final class DnsCodes {

    private DnsCodes() {
    }

    static final int TYPE_A = 1;
    static final int TYPE_NS = 2;
    static final int TYPE_CNAME = 5;
    static final int TYPE_SOA = 6;
    static final int TYPE_PTR = 12;
    static final int TYPE_MX = 15;
    static final int TYPE_TXT = 16;
    static final int TYPE_AAAA = 28;
    static final int TYPE_SRV = 33;
    static final int TYPE_DNAME = 39;
    static final int TYPE_OPT = 41;

    private static final String[] TYPES = new String[258];

    static {
        String[][] named = {
            {"1", "A"}, {"2", "NS"}, {"3", "MD"}, {"4", "MF"}, {"5", "CNAME"}, {"6", "SOA"}, {"7", "MB"}, {"8", "MG"},
            {"9", "MR"}, {"10", "NULL"}, {"11", "WKS"}, {"12", "PTR"}, {"13", "HINFO"}, {"14", "MINFO"}, {"15", "MX"},
            {"16", "TXT"}, {"17", "RP"}, {"18", "AFSDB"}, {"24", "SIG"}, {"25", "KEY"}, {"28", "AAAA"}, {"29", "LOC"},
            {"33", "SRV"}, {"35", "NAPTR"}, {"36", "KX"}, {"37", "CERT"}, {"39", "DNAME"}, {"41", "OPT"}, {"42", "APL"},
            {"43", "DS"}, {"44", "SSHFP"}, {"45", "IPSECKEY"}, {"46", "RRSIG"}, {"47", "NSEC"}, {"48", "DNSKEY"},
            {"49", "DHCID"}, {"50", "NSEC3"}, {"51", "NSEC3PARAM"}, {"52", "TLSA"}, {"53", "SMIMEA"}, {"55", "HIP"},
            {"59", "CDS"}, {"60", "CDNSKEY"}, {"61", "OPENPGPKEY"}, {"62", "CSYNC"}, {"63", "ZONEMD"}, {"64", "SVCB"},
            {"65", "HTTPS"}, {"99", "SPF"}, {"108", "EUI48"}, {"109", "EUI64"}, {"249", "TKEY"}, {"250", "TSIG"},
            {"251", "IXFR"}, {"252", "AXFR"}, {"253", "MAILB"}, {"254", "MAILA"}, {"255", "ANY"}, {"256", "URI"},
            {"257", "CAA"},
        };
        for (String[] n : named) {
            TYPES[Integer.parseInt(n[0])] = n[1];
        }
    }

    /** The type's mnemonic ({@code A}, {@code AAAA} …), or {@code TYPE<n>} for one without a registered name. */
    static String type(int type) {
        if (type < TYPES.length && TYPES[type] != null) {
            return TYPES[type];
        }
        return "TYPE" + type; // RFC 3597's generic name; rare enough to be made each time
    }

    private static final String[] RCODES = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET",
        "NOTAUTH", "NOTZONE", "DSOTYPENI", "RCODE12", "RCODE13", "RCODE14", "RCODE15", "BADVERS", "BADKEY",
        "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
    };

    /** The response code's name ({@code NXDOMAIN} …), {@code RCODE<n>} for an unassigned one; rcodes go to 4095 with EDNS. */
    static String rcode(int rcode) {
        if (rcode < RCODES.length) {
            return RCODES[rcode];
        }
        return "RCODE" + rcode;
    }

    private static final String[] OPCODES = {
        "QUERY", "IQUERY", "STATUS", "OPCODE3", "NOTIFY", "UPDATE", "DSO", "OPCODE7", "OPCODE8", "OPCODE9",
        "OPCODE10", "OPCODE11", "OPCODE12", "OPCODE13", "OPCODE14", "OPCODE15",
    };

    static String opcode(int opcode) {
        return OPCODES[opcode];
    }

    /** Opcodes of messages this parser reads: QUERY, IQUERY (obsolete, still parsed), STATUS, NOTIFY, UPDATE, DSO. */
    static boolean knownOpcode(int opcode) {
        return opcode <= 2 || (opcode >= 4 && opcode <= 6);
    }

    /** Classes a question may carry: IN, CH, HS, NONE, ANY (the top bit is mDNS's unicast-response flag). */
    static boolean knownClass(int qclass) {
        int c = qclass & 0x7fff;
        return c == 1 || c == 3 || c == 4 || c == 254 || c == 255;
    }

    static String qclass(int qclass) {
        return switch (qclass & 0x7fff) {
            case 1 -> "IN";
            case 3 -> "CH";
            case 4 -> "HS";
            case 254 -> "NONE";
            case 255 -> "ANY";
            default -> "CLASS" + (qclass & 0x7fff);
        };
    }
}
