package io.flowscope.plugins.redis;

import java.nio.charset.StandardCharsets;

/**
 * Redis command names, looked up from the bytes of a command's first word without building a String: the
 * upper-case name (interned, so {@code request_type} costs no allocation for a known command) and how its
 * arguments are obfuscated ({@link ArgumentPolicy}) or what it does to the connection (pub/sub, replies).
 */
final class Commands {

    /** Longest command name looked up; longer first words are not commands Redis knows. */
    static final int MAX_NAME = 32;

    // what a command does to the connection, besides its arguments
    static final int EFFECT_NONE = 0;
    static final int EFFECT_SUBSCRIBE = 1;
    static final int EFFECT_PSUBSCRIBE = 2;
    static final int EFFECT_SSUBSCRIBE = 3;
    static final int EFFECT_UNSUBSCRIBE = 4;
    static final int EFFECT_PUNSUBSCRIBE = 5;
    static final int EFFECT_SUNSUBSCRIBE = 6;
    static final int EFFECT_MONITOR = 7;
    static final int EFFECT_CLIENT = 8;
    static final int EFFECT_RESET = 9;

    private static final int TABLE = 1024;
    private static final byte[][] NAMES = new byte[TABLE][];
    private static final String[] STRINGS = new String[TABLE];
    private static final int[] POLICIES = new int[TABLE];
    private static final int[] EFFECTS = new int[TABLE];

    private Commands() {
    }

    static {
        // DeepFlow's obfuscation table (agent/src/flow_generator/protocol_logs/sql/redis.rs), plus the commands
        // that carry secrets (always hidden) and a few more value-carrying ones
        add(ArgumentPolicy.AUTH, "AUTH");
        add(ArgumentPolicy.HELLO, "HELLO");
        add(ArgumentPolicy.MIGRATE, "MIGRATE");
        add(ArgumentPolicy.CONFIG, "CONFIG");
        add(ArgumentPolicy.ACL, "ACL");
        add(ArgumentPolicy.SECOND, "APPEND", "GETSET", "LPUSHX", "GEORADIUSBYMEMBER", "RPUSHX", "SET", "SETNX",
                "SISMEMBER", "ZRANK", "ZREVRANK", "ZSCORE", "PUBLISH", "SPUBLISH", "LPOS");
        add(ArgumentPolicy.THIRD, "HSETNX", "LREM", "LSET", "SETBIT", "SETEX", "PSETEX", "SETRANGE", "ZINCRBY",
                "SMOVE", "RESTORE");
        add(ArgumentPolicy.FOURTH, "LINSERT");
        add(ArgumentPolicy.ALL_AFTER_KEY, "GEOHASH", "GEOPOS", "GEODIST", "LPUSH", "RPUSH", "SREM", "ZREM", "SADD",
                "SMISMEMBER", "PFADD", "XADD", "ZMSCORE");
        add(ArgumentPolicy.EVERY_THIRD_AFTER_KEY, "GEOADD");
        add(ArgumentPolicy.EVERY_SECOND_AFTER_KEY, "HSET", "HMSET");
        add(ArgumentPolicy.EVERY_SECOND, "MSET", "MSETNX");
        add(ArgumentPolicy.BITFIELD, "BITFIELD");
        add(ArgumentPolicy.ZADD, "ZADD");
        add(ArgumentPolicy.ALL, "ECHO");
        add(ArgumentPolicy.PLAIN, "GET", "GETDEL", "GETEX", "GETRANGE", "MGET", "DEL", "UNLINK", "EXISTS", "EXPIRE",
                "PEXPIRE", "EXPIREAT", "PEXPIREAT", "EXPIRETIME", "PEXPIRETIME", "TTL", "PTTL", "PERSIST", "TYPE",
                "KEYS", "SCAN", "RANDOMKEY", "RENAME", "RENAMENX", "MOVE", "COPY", "DUMP", "TOUCH", "OBJECT", "SORT",
                "SORT_RO", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "STRLEN", "SUBSTR", "LCS", "GETBIT",
                "BITCOUNT", "BITOP", "BITPOS", "BITFIELD_RO", "HGET", "HMGET", "HDEL", "HEXISTS", "HGETALL", "HKEYS",
                "HVALS", "HLEN", "HINCRBY", "HINCRBYFLOAT", "HSCAN", "HSTRLEN", "HRANDFIELD", "LPOP", "RPOP", "LLEN",
                "LRANGE", "LINDEX", "LTRIM", "RPOPLPUSH", "LMOVE", "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "LMPOP",
                "BLMPOP", "SMEMBERS", "SCARD", "SPOP", "SRANDMEMBER", "SINTER", "SINTERCARD", "SINTERSTORE", "SUNION",
                "SUNIONSTORE", "SDIFF", "SDIFFSTORE", "SSCAN", "ZCARD", "ZCOUNT", "ZRANGE", "ZRANGEBYSCORE",
                "ZRANGEBYLEX", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZREVRANGEBYLEX", "ZRANGESTORE", "ZREMRANGEBYRANK",
                "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX", "ZLEXCOUNT", "ZPOPMIN", "ZPOPMAX", "BZPOPMIN", "BZPOPMAX",
                "ZMPOP", "BZMPOP", "ZUNION", "ZUNIONSTORE", "ZINTER", "ZINTERSTORE", "ZINTERCARD", "ZDIFF",
                "ZDIFFSTORE", "ZSCAN", "ZRANDMEMBER", "PFCOUNT", "PFMERGE", "GEORADIUS", "GEORADIUS_RO",
                "GEORADIUSBYMEMBER_RO", "GEOSEARCH", "GEOSEARCHSTORE", "XRANGE", "XREVRANGE", "XLEN", "XREAD",
                "XREADGROUP", "XGROUP", "XACK", "XCLAIM", "XAUTOCLAIM", "XDEL", "XTRIM", "XPENDING", "XINFO",
                "XSETID", "PING", "QUIT", "SELECT", "SWAPDB", "DBSIZE", "FLUSHDB", "FLUSHALL", "INFO", "TIME",
                "LASTSAVE", "SAVE", "BGSAVE", "BGREWRITEAOF", "SHUTDOWN", "SLAVEOF", "REPLICAOF", "ROLE", "SYNC",
                "PSYNC", "REPLCONF", "WAIT", "WAITAOF", "FAILOVER", "DEBUG", "SLOWLOG", "LATENCY", "MEMORY", "MODULE",
                "COMMAND", "CLUSTER", "READONLY", "READWRITE", "ASKING", "MULTI", "EXEC", "DISCARD", "WATCH",
                "UNWATCH", "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "SCRIPT", "FUNCTION", "FCALL", "FCALL_RO",
                "PUBSUB", "OBJECT", "LOLWUT", "STRALGO");
        addEffect(EFFECT_SUBSCRIBE, "SUBSCRIBE");
        addEffect(EFFECT_PSUBSCRIBE, "PSUBSCRIBE");
        addEffect(EFFECT_SSUBSCRIBE, "SSUBSCRIBE");
        addEffect(EFFECT_UNSUBSCRIBE, "UNSUBSCRIBE");
        addEffect(EFFECT_PUNSUBSCRIBE, "PUNSUBSCRIBE");
        addEffect(EFFECT_SUNSUBSCRIBE, "SUNSUBSCRIBE");
        addEffect(EFFECT_MONITOR, "MONITOR");
        addEffect(EFFECT_CLIENT, "CLIENT");
        addEffect(EFFECT_RESET, "RESET");
    }

    private static void add(int policy, String... names) {
        for (String n : names) {
            put(n, policy, EFFECT_NONE);
        }
    }

    private static void addEffect(int effect, String name) {
        put(name, ArgumentPolicy.PLAIN, effect);
    }

    private static void put(String name, int policy, int effect) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        int i = hash(b, b.length) & (TABLE - 1);
        while (NAMES[i] != null && !java.util.Arrays.equals(NAMES[i], b)) {
            i = (i + 1) & (TABLE - 1);
        }
        NAMES[i] = b;
        STRINGS[i] = name;
        POLICIES[i] = policy;
        EFFECTS[i] = effect;
    }

    private static int hash(byte[] upper, int n) {
        int h = 0;
        for (int i = 0; i < n; i++) {
            h = h * 31 + upper[i];
        }
        return h ^ (h >>> 11);
    }

    /** The table slot of the command whose upper-cased name is {@code upper[0..n)}, or -1. */
    static int find(byte[] upper, int n) {
        if (n == 0 || n > MAX_NAME) {
            return -1;
        }
        int i = hash(upper, n) & (TABLE - 1);
        while (NAMES[i] != null) {
            byte[] b = NAMES[i];
            if (b.length == n && java.util.Arrays.equals(b, 0, n, upper, 0, n)) {
                return i;
            }
            i = (i + 1) & (TABLE - 1);
        }
        return -1;
    }

    static String name(int slot) {
        return STRINGS[slot];
    }

    static int policy(int slot) {
        return slot < 0 ? ArgumentPolicy.PLAIN : POLICIES[slot];
    }

    static int effect(int slot) {
        return slot < 0 ? EFFECT_NONE : EFFECTS[slot];
    }
}
