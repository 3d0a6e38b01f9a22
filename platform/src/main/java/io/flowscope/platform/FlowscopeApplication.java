package io.flowscope.platform;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The all-in-one server ({@code flowscope run}): API, console, and later the probes. Started by {@code cli.Main}. */
@SpringBootApplication
public class FlowscopeApplication {
}
