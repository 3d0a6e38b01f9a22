package io.flowscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of plugin-api against the committed dump {@code api/plugin-api.api} (in the manner of
 * Kotlin's binary-compatibility validator): every public or protected type, constructor, method and field,
 * one per line. A line of the dump that is gone or changed is an incompatible change and fails the build;
 * a new line fails too, until the dump is updated on purpose ({@code -Dflowscope.api.dump=true}) and the
 * change is written down in docs/plugin-api-changes.md.
 */
class ApiCompatibilityTest {

    static final Path DUMP = Path.of("api/plugin-api.api");

    @Test
    void thePublicApiIsTheCommittedOne() throws Exception {
        List<String> current = currentApi();
        if (Boolean.getBoolean("flowscope.api.dump")) {
            Files.write(DUMP, current, StandardCharsets.UTF_8);
            return;
        }
        List<String> committed = Files.readAllLines(DUMP, StandardCharsets.UTF_8);
        List<String> removed = missing(committed, current);
        List<String> added = missing(current, committed);
        if (!removed.isEmpty()) {
            fail("incompatible change to plugin-api " + PluginApi.VERSION + " (removed or changed):\n  "
                    + String.join("\n  ", removed) + "\nplugins compiled against it would break; keep it, or make a "
                    + "new major version and say so in docs/plugin-api-changes.md");
        }
        if (!added.isEmpty()) {
            fail("plugin-api grew:\n  " + String.join("\n  ", added) + "\nif that is meant, update the dump with "
                    + "-Dflowscope.api.dump=true and write the change down in docs/plugin-api-changes.md");
        }
    }

    @Test
    void aRemovedPublicMethodIsCaught() throws Exception {
        List<String> current = currentApi();
        List<String> withoutOne = new ArrayList<>(current);
        String method = current.stream().filter(l -> l.startsWith("  method ") && l.contains("operation()"))
                .findFirst().orElseThrow();
        withoutOne.remove(method);
        assertEquals(List.of(method), missing(current, withoutOne), "a dump with the method, an API without it");
        assertTrue(current.contains("class public final io.flowscope.api.L7Message"), String.join("\n", current));
    }

    static List<String> missing(List<String> of, List<String> in) {
        TreeSet<String> present = new TreeSet<>(in);
        return of.stream().filter(l -> !l.isBlank() && !present.contains(l)).toList();
    }

    /** The API as sorted lines: each type, then its members, indented. */
    static List<String> currentApi() throws IOException, ClassNotFoundException {
        List<Class<?>> types = new ArrayList<>();
        Path dir = Path.of("target/classes/io/flowscope/api");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = "io.flowscope.api." + dir.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("package-info")) {
                    continue;
                }
                Class<?> c = Class.forName(name);
                if (isVisible(c.getModifiers()) && (c.getEnclosingClass() == null || isVisible(c.getEnclosingClass().getModifiers()))) {
                    types.add(c);
                }
            }
        }
        List<String> out = new ArrayList<>();
        types.sort((a, b) -> a.getName().compareTo(b.getName()));
        for (Class<?> c : types) {
            out.add(header(c));
            TreeSet<String> members = new TreeSet<>();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (isVisible(k.getModifiers()) && !c.isEnum()) {
                    members.add("  constructor " + mods(k.getModifiers()) + "(" + params(k.getParameterTypes()) + ")");
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (isVisible(m.getModifiers()) && !m.isSynthetic()) {
                    members.add("  method " + mods(m.getModifiers()) + (m.isDefault() ? "default " : "")
                            + m.getGenericReturnType().getTypeName() + " " + m.getName() + "(" + Arrays.stream(m.getGenericParameterTypes())
                            .map(java.lang.reflect.Type::getTypeName).collect(Collectors.joining(", ")) + ")");
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (isVisible(f.getModifiers()) && !f.isSynthetic()) {
                    members.add("  field " + mods(f.getModifiers()) + f.getGenericType().getTypeName() + " " + f.getName());
                }
            }
            out.addAll(members);
        }
        return out;
    }

    private static String header(Class<?> c) {
        String kind = c.isAnnotation() ? "annotation" : c.isInterface() ? "interface" : c.isEnum() ? "enum" : "class";
        String mods = mods(c.getModifiers() & ~Modifier.INTERFACE & ~(c.isInterface() ? Modifier.ABSTRACT : 0));
        String ext = c.getSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum()
                ? " extends " + c.getGenericSuperclass().getTypeName() : "";
        String impl = c.getGenericInterfaces().length == 0 ? "" : (c.isInterface() ? " extends " : " implements ")
                + Arrays.stream(c.getGenericInterfaces()).map(java.lang.reflect.Type::getTypeName).collect(Collectors.joining(", "));
        return kind + " " + mods + c.getName() + ext + impl;
    }

    private static boolean isVisible(int m) {
        return Modifier.isPublic(m) || Modifier.isProtected(m);
    }

    private static String mods(int m) {
        String s = Modifier.toString(m & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT));
        return s.isEmpty() ? "" : s + " ";
    }

    private static String params(Class<?>[] p) {
        return Arrays.stream(p).map(Class::getTypeName).collect(Collectors.joining(", "));
    }
}
