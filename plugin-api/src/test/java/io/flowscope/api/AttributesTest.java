package io.flowscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A message's attributes: the plugin's order, one value per name, nulls refused, never shared with a builder. */
class AttributesTest {

    private static L7Message.Builder response() {
        return L7Message.response("p").status(ResponseStatus.OK);
    }

    @Test
    void keepTheOrderTheyWereGivenIn() {
        L7Message m = response().attribute("z", "1").attribute("a", "2").attribute("m", "3").build();
        assertEquals(List.of("z", "a", "m"), List.copyOf(m.attributes().keySet()));
        assertEquals("2", m.attributes().get("a"));
        assertEquals(3, m.attributes().size());
        assertFalse(m.attributes().containsKey("b"));
        StringBuilder seen = new StringBuilder();
        m.attributes().forEach((k, v) -> seen.append(k).append('=').append(v).append(' '));
        assertEquals("z=1 a=2 m=3 ", seen.toString());
    }

    @Test
    void aNameGivenTwiceKeepsItsPlaceAndTakesTheLastValue() {
        L7Message m = response().attribute("a", "1").attribute("b", "2").attribute("a", "3").build();
        assertEquals(List.of(Map.entry("a", "3"), Map.entry("b", "2")), List.copyOf(m.attributes().entrySet()));
    }

    @Test
    void aMapReplacesWhatWasSetAndEqualsAnyMapOfTheSameEntries() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("y", "1");
        given.put("x", "2");
        L7Message m = response().attribute("old", "0").attributes(given).build();
        assertEquals(given, m.attributes());
        assertEquals(m.attributes(), given);
        assertEquals(given.hashCode(), m.attributes().hashCode());
        assertEquals(List.of("y", "x"), List.copyOf(m.attributes().keySet()));
        assertEquals(Map.of(), response().attributes(given).attributes(null).build().attributes());
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> response().attribute(null, "v"));
        assertThrows(NullPointerException.class, () -> response().attribute("k", null));
        Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("k", null);
        assertThrows(NullPointerException.class, () -> response().attributes(withNull));
    }

    @Test
    void aBuiltMessageNeverChangesWithItsBuilder() {
        L7Message.Builder b = response().attribute("a", "1");
        L7Message first = b.build();
        b.attribute("a", "2").attribute("b", "3");
        assertEquals(List.of(Map.entry("a", "1")), List.copyOf(first.attributes().entrySet()));
        L7Message copy = first.toBuilder().attribute("c", "4").build();
        assertEquals(1, first.attributes().size());
        assertEquals(List.of(Map.entry("a", "1"), Map.entry("c", "4")), List.copyOf(copy.attributes().entrySet()));
        assertThrows(UnsupportedOperationException.class, () -> first.attributes().put("x", "y"));
    }
}
