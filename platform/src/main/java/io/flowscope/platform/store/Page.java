package io.flowscope.platform.store;

import java.util.List;
import java.util.Map;

/**
 * One page of log rows, oldest first. Each row maps column names to JSON values in the order of the query's
 * columns (docs/data-model.md), with the address columns folded into {@code ip_0}/{@code ip_1} text (left out when
 * the row has no address on that side) and times as ISO-8601 UTC with microseconds; every other column is there,
 * with null when it has no value.
 *
 * @param limit  the page size asked for
 * @param offset the rows skipped before this page
 */
public record Page(List<Map<String, Object>> rows, int limit, int offset) {

    public Page {
        rows = List.copyOf(rows);
    }

    /** Where the next page starts, or null when this one was not full (a full page may be the last all the same). */
    public Integer nextOffset() {
        return rows.size() == limit ? offset + limit : null;
    }
}
