/**
 * The Flowscope plugin API: the only types a plugin compiles against.
 *
 * <p>Two extension points exist. {@link io.flowscope.api.ProtocolParserFactory} adds an L7 protocol:
 * the host asks it to {@code detect} a protocol on the first bytes of a connection, then feeds the
 * parser it creates with ordered payload, gaps and close. {@link io.flowscope.api.ProbeFactory} adds a
 * source of observations (packets, syscalls, uprobes, perf events).
 *
 * <p>Plugins parse; the host pairs requests with responses, computes latency and status codes,
 * stores rows and aggregates metrics. Plugins never load native code and never see host objects:
 * everything they need arrives through {@link io.flowscope.api.ParserContext} or
 * {@link io.flowscope.api.ProbeContext}.
 *
 * <p>The API follows SemVer ({@link io.flowscope.api.PluginApi#VERSION}); a plugin states the range it
 * needs in its manifest's {@code Plugin-Requires}.
 */
package io.flowscope.api;
