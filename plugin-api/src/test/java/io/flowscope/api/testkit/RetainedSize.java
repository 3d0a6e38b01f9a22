package io.flowscope.api.testkit;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Measures the bytes an object graph holds, by walking it (fields, arrays, collections), without
 * trusting what the object says of itself. An estimate in the manner of a heap dump's retained size:
 * 16 bytes per object header, 8 per reference or primitive field, element sizes for arrays. Objects
 * given as {@code excluded} (the host's context and sink) and classes, class loaders and threads are not
 * counted or followed.
 */
final class RetainedSize {

    private RetainedSize() {
    }

    /** ArrayDeque takes no nulls: a null element or field holds nothing. */
    private static void push(ArrayDeque<Object> todo, Object o) {
        if (o != null) {
            todo.add(o);
        }
    }

    static long of(Object root, Object... excluded) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Object x : excluded) {
            seen.add(x);
        }
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.add(root);
        long total = 0;
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            if (o == null || !seen.add(o) || o instanceof Class || o instanceof ClassLoader || o instanceof Thread) {
                continue;
            }
            Class<?> c = o.getClass();
            if (c.isArray()) {
                int n = Array.getLength(o);
                Class<?> e = c.getComponentType();
                total += 16 + (long) n * (e.isPrimitive() ? primitiveSize(e) : 8);
                if (!e.isPrimitive()) {
                    for (int i = 0; i < n; i++) {
                        push(todo, Array.get(o, i));
                    }
                }
            } else if (o instanceof CharSequence s) {
                total += 24 + s.length();
            } else if (o instanceof ByteBuffer b) {
                total += 48 + (b.hasArray() || b.isDirect() ? b.capacity() : 0);
            } else if (o instanceof Collection<?> col) {
                total += 32 + 16L * col.size();
                col.forEach(x -> push(todo, x));
            } else if (o instanceof Map<?, ?> map) {
                total += 48 + 32L * map.size();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    push(todo, e.getKey());
                    push(todo, e.getValue());
                }
            } else if (c.getName().startsWith("java.")) {
                total += 24; // boxed values and other small JDK objects whose fields are not open to us
            } else {
                total += 16;
                for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                    for (Field f : k.getDeclaredFields()) {
                        if (Modifier.isStatic(f.getModifiers())) {
                            continue;
                        }
                        total += f.getType().isPrimitive() ? primitiveSize(f.getType()) : 8;
                        if (!f.getType().isPrimitive()) {
                            try {
                                f.setAccessible(true);
                                push(todo, f.get(o));
                            } catch (ReflectiveOperationException | RuntimeException e) {
                                // a field we may not read: counted as a reference only
                            }
                        }
                    }
                }
            }
        }
        return total;
    }

    private static int primitiveSize(Class<?> t) {
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        if (t == char.class || t == short.class) {
            return 2;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        return 8;
    }
}
