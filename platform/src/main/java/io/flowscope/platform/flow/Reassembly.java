package io.flowscope.platform.flow;

import io.flowscope.platform.budget.ByteBudget;
import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The out-of-order bytes of all TCP streams of one generator: a {@link ByteBudget}, and the streams that
 * hold bytes in the order they started holding. A stream that needs more than the budget has makes the
 * longest-holding other streams give up their holes first (their held bytes go on after a gap, counted as
 * budget evictions), so the newest hole, most likely to fill soon, is kept.
 */
final class Reassembly {

    /** Receives what an evicted stream delivers (set to that stream's flow and side). */
    interface Output {
        TcpStream.Consumer of(TcpStream s);
    }

    private final ByteBudget budget;
    private final LinkedHashSet<TcpStream> holders = new LinkedHashSet<>();
    private final Output output;

    Reassembly(ByteBudget budget, Output output) {
        this.budget = budget;
        this.output = output;
    }

    ByteBudget budget() {
        return budget;
    }

    void holding(TcpStream s) {
        holders.add(s);
    }

    void released(TcpStream s) {
        holders.remove(s);
    }

    /** Reserves bytes for {@code s}, evicting the longest holders but {@code s}; false when nothing else holds any. */
    boolean reserve(TcpStream s, int bytes) {
        while (!budget.reserve(bytes)) {
            TcpStream oldest = null;
            for (Iterator<TcpStream> it = holders.iterator(); it.hasNext(); ) {
                TcpStream x = it.next();
                if (x != s) {
                    oldest = x;
                    break;
                }
            }
            if (oldest == null) {
                return false;
            }
            budget.evicted();
            oldest.finish(output.of(oldest));
        }
        return true;
    }
}
