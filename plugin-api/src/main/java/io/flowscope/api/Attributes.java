package io.flowscope.api;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The attributes of one {@link L7Message}: an immutable map in the order the plugin gave them, held as one array
 * of names and values. A message has a handful at most, so a linear {@code get} beats hashing, and building one
 * costs a single array copy instead of a {@code LinkedHashMap} of entries (it showed in every parser's profile).
 */
final class Attributes extends AbstractMap<String, String> {

    /** Name, value, name, value …; never null, names distinct. */
    private final String[] pairs;

    Attributes(String[] pairs) {
        this.pairs = pairs;
    }

    @Override
    public int size() {
        return pairs.length / 2;
    }

    @Override
    public String get(Object name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(name)) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < pairs.length; i += 2) {
            action.accept(pairs[i], pairs[i + 1]);
        }
    }

    /** The names and values as a new array, for a builder that copies this message. */
    String[] toPairs() {
        return pairs.clone();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return pairs.length / 2;
            }

            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < pairs.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= pairs.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(pairs[next], pairs[next + 1]);
                        next += 2;
                        return e;
                    }
                };
            }
        };
    }

    static Map<String, String> of(String[] pairs, int count) {
        return count == 0 ? Map.of() : new Attributes(java.util.Arrays.copyOf(pairs, 2 * count));
    }
}
