package io.flowscope.platform.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link Privileged}: root and programs present, else skip (or fail under CI=true). */
public final class PrivilegedCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Privileged p = context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, Privileged.class)).orElse(null);
        if (p == null) {
            return ConditionEvaluationResult.enabled("not privileged");
        }
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root");
        }
        for (String program : p.programs()) {
            if (which(program) == null) {
                missing.add(program);
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("root and " + String.join(", ", p.programs()) + " present");
        }
        String reason = "privileged test needs " + String.join(", ", missing);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(reason + ", and CI=true does not allow skipping it (see .ci/run)");
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    /** The program's path on the PATH, or null. */
    public static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, program);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin"}) {
            File f = new File(dir, program);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
