package io.flowscope.platform.plugins;

import java.util.List;

/**
 * What {@code GET /api/v1/plugins} shows for one plugin.
 *
 * @param id         plugin id (the jar's file name when the manifest could not be read)
 * @param version    plugin version, or null
 * @param kind       {@code protocol}, {@code probe}, {@code protocol+probe}, or {@code unknown}
 * @param state      {@code STARTED}, {@code DISABLED} (failed at run time), {@code FAILED} (did not load or start)
 * @param lastError  the last error of its code (with the call and the connection), or null
 * @param failures   failures of its code since the host started
 * @param source     the jar it came from
 * @param protocols  protocol ids it provides
 * @param probes     probe ids it provides
 */
public record PluginStatus(String id, String version, String kind, String state, String lastError, long failures, String source,
                           List<String> protocols, List<String> probes) {
}
