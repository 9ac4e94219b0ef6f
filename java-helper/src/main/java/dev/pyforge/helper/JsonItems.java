package dev.pyforge.helper;

/**
 * Writes the separators of one JSON array or object into a {@link JsonOut}: the opening
 * bracket, a comma before every item but the first, the closing bracket. Lists whose length is
 * only known while writing them use it instead of keeping a "first" flag by hand.
 *
 * <p>The values of a row, the hot path, do not go through it: {@link RowEncoder} places their
 * commas by index, without an object per row.
 */
final class JsonItems {
    private final JsonOut out;
    private final char close;
    private boolean empty = true;

    private JsonItems(JsonOut out, char open, char close) {
        this.out = out;
        this.close = close;
        out.append(open);
    }

    /** Opens an array: {@code [}. */
    static JsonItems array(JsonOut out) {
        return new JsonItems(out, '[', ']');
    }

    /** Opens an object: <code>{</code>. */
    static JsonItems object(JsonOut out) {
        return new JsonItems(out, '{', '}');
    }

    /** Starts the next array element; returns the builder to write it into. */
    JsonOut next() {
        if (empty) {
            empty = false;
        } else {
            out.append(',');
        }
        return out;
    }

    /** Starts the next object member, {@code "name":} included; returns the builder. */
    JsonOut key(String name) {
        out.key(name, !empty);
        empty = false;
        return out;
    }

    /** Closes the array or object. */
    void end() {
        out.append(close);
    }
}
