package io.flowscope.plugins.redis;

/**
 * Which arguments of a command reach {@code request_resource}: as they are, as {@code ?}, or not at all. With
 * obfuscation on, values are hidden and keys kept, command by command as DeepFlow does ({@code SET k ?},
 * {@code HSET k f ? f ?}, {@code LPUSH k ?}); passwords (AUTH, HELLO … AUTH, MIGRATE … AUTH/AUTH2, ACL SETUSER
 * password rules, CONFIG SET requirepass/masterauth) are hidden whatever the setting. One instance per
 * parser, {@link #start reset} for each command; argument {@code i} counts from 0 after the command name.
 */
final class ArgumentPolicy {

    static final int PLAIN = 0;
    static final int AUTH = 1;
    static final int HELLO = 2;
    static final int MIGRATE = 3;
    static final int CONFIG = 4;
    static final int ACL = 5;
    static final int SECOND = 6;
    static final int THIRD = 7;
    static final int FOURTH = 8;
    static final int ALL_AFTER_KEY = 9;
    static final int EVERY_THIRD_AFTER_KEY = 10;
    static final int EVERY_SECOND_AFTER_KEY = 11;
    static final int EVERY_SECOND = 12;
    static final int BITFIELD = 13;
    static final int ZADD = 14;
    static final int ALL = 15;

    /** Copied into the resource. */
    static final int KEEP = 0;
    /** Written as {@code ?}, its bytes never copied. */
    static final int MASK = 1;
    /** Left out, bytes never copied. */
    static final int DROP = 2;
    /** Copied, then kept or replaced by {@code ?} once it is whole ({@link #done}). */
    static final int INSPECT = 3;

    private int policy;
    private boolean obfuscate;
    /** Policy state: secrets still to hide (HELLO, MIGRATE), "after SET" (CONFIG, BITFIELD), ZADD's phase … */
    private int state;
    private int counter;
    private boolean flag;

    void start(int policy, boolean obfuscate) {
        this.policy = policy;
        this.obfuscate = obfuscate;
        this.state = 0;
        this.counter = 0;
        this.flag = false;
    }

    /** What to do with argument {@code i} before its bytes arrive. */
    int plan(int i) {
        switch (policy) {
            case AUTH:
                return i == 0 ? MASK : DROP;
            case HELLO:
                // everything after AUTH: "HELLO 3 AUTH ?", as DeepFlow writes it
                return state == 0 ? KEEP : state == 1 ? MASK : DROP;
            case MIGRATE:
                return counter > 0 ? MASK : KEEP;
            case CONFIG:
                if (state == 0) {
                    return KEEP;
                }
                // after SET: parameter, value, parameter, value …
                return counter % 2 == 1 && (obfuscate || flag) ? MASK : KEEP;
            case ACL:
                return flag && i >= 2 ? INSPECT : KEEP;
            default:
                break;
        }
        if (!obfuscate) {
            return KEEP;
        }
        switch (policy) {
            case SECOND:
                return i == 1 ? MASK : KEEP;
            case THIRD:
                return i == 2 ? MASK : KEEP;
            case FOURTH:
                return i == 3 ? MASK : KEEP;
            case ALL_AFTER_KEY:
                return i == 0 ? KEEP : i == 1 ? MASK : DROP;
            case EVERY_THIRD_AFTER_KEY:
                return i > 0 && i % 3 == 0 ? MASK : KEEP;
            case EVERY_SECOND_AFTER_KEY:
                return i > 0 && i % 2 == 0 ? MASK : KEEP;
            case EVERY_SECOND:
                return i % 2 == 1 ? MASK : KEEP;
            case BITFIELD:
                return flag && counter == 2 ? MASK : KEEP;
            case ZADD:
                // 0 key, 1 options then the first score, 2 its member, 3 the rest: score member …
                return state == 2 || (state == 3 && counter % 2 == 1) ? MASK : KEEP;
            case ALL:
                return MASK;
            default:
                return KEEP;
        }
    }

    /**
     * Argument {@code i} is whole: its first bytes {@code head[0..headLen)} (up to {@link Commands#MAX_NAME}) and
     * its length. Advances the policy's state; returns KEEP or MASK for an argument planned INSPECT.
     */
    int done(int i, byte[] head, int headLen, long length) {
        switch (policy) {
            case HELLO:
                if (state == 0 && is(head, headLen, length, "AUTH")) {
                    state = 1;
                } else if (state == 1) {
                    state = 2;
                }
                return KEEP;
            case MIGRATE:
                if (counter > 0) {
                    counter--;
                } else if (is(head, headLen, length, "AUTH")) {
                    counter = 1;
                } else if (is(head, headLen, length, "AUTH2")) {
                    counter = 2;
                }
                return KEEP;
            case CONFIG:
                if (state == 0) {
                    if (i == 0 && is(head, headLen, length, "SET")) {
                        state = 1;
                    }
                } else {
                    if (counter % 2 == 0) {
                        flag = is(head, headLen, length, "requirepass") || is(head, headLen, length, "masterauth")
                                || is(head, headLen, length, "masteruser");
                    }
                    counter++;
                }
                return KEEP;
            case ACL:
                if (i == 0) {
                    flag = is(head, headLen, length, "SETUSER");
                    return KEEP;
                }
                // password rules: >pass <pass #hash !hash
                if (flag && i >= 2 && headLen > 0
                        && (head[0] == '>' || head[0] == '<' || head[0] == '#' || head[0] == '!')) {
                    return MASK;
                }
                return KEEP;
            case BITFIELD:
                if (flag) {
                    if (counter == 2) {
                        flag = false;
                    } else {
                        counter++;
                    }
                }
                if (!flag && is(head, headLen, length, "SET")) {
                    flag = true;
                    counter = 0;
                }
                return KEEP;
            case ZADD:
                if (state == 0) {
                    state = 1;
                } else if (state == 1) {
                    boolean option = is(head, headLen, length, "NX") || is(head, headLen, length, "XX")
                            || is(head, headLen, length, "GT") || is(head, headLen, length, "LT")
                            || is(head, headLen, length, "CH") || is(head, headLen, length, "INCR");
                    if (!option) {
                        state = 2;
                    }
                } else if (state == 2) {
                    state = 3;
                    counter = 0;
                } else {
                    counter++;
                }
                return KEEP;
            default:
                return KEEP;
        }
    }

    /** Whether the whole argument equals {@code word}, ignoring ASCII case. */
    private static boolean is(byte[] head, int headLen, long length, String word) {
        if (length != word.length() || headLen != length) {
            return false;
        }
        for (int k = 0; k < headLen; k++) {
            int c = head[k];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            int w = word.charAt(k);
            if (w >= 'a' && w <= 'z') {
                w -= 32;
            }
            if (c != w) {
                return false;
            }
        }
        return true;
    }
}
