package io.flowscope.platform.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that needs root (raw sockets, BPF, network namespaces) and the named programs. Without them
 * it is skipped with the reason; under {@code CI=true} a skip is a failure, so CI cannot go green
 * without running it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("privileged")
@ExtendWith(PrivilegedCondition.class)
public @interface Privileged {

    /** Programs that must be on the PATH (e.g. tcpdump, nginx, tshark). */
    String[] programs() default {};
}
