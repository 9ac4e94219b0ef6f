package dev.pyforge.helper;

import java.util.Map;

/**
 * One request line, parsed: its fields with typed, checked access (a wrong type is a {@code
 * bad_request}), or, for a line that is not a JSON object, the reason it is not.
 */
final class Request {
    private final Map<String, Object> fields;
    /** The numeric {@code id}, or null when the request has none (or not a number). */
    final Long id;
    /** Why the line is not a request, or null when it is one. */
    final String problem;

    private Request(Map<String, Object> fields, Long id, String problem) {
        this.fields = fields;
        this.id = id;
        this.problem = problem;
    }

    /** {@code line} as a request, or as a problem when it is not a JSON object. */
    static Request parse(String line) {
        Object parsed;
        try {
            parsed = Json.parse(line);
        } catch (Json.ParseException e) {
            return problem(null, e.getMessage());
        }
        if (!(parsed instanceof Map)) {
            return problem(null, "a request must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) parsed;
        Object id = fields.get("id");
        return new Request(fields, id instanceof Long ? (Long) id : null, null);
    }

    /** A line the session is to answer with a {@code bad_request} error saying {@code message}. */
    static Request problem(Long id, String message) {
        return new Request(null, id, message);
    }

    /** The raw value of field {@code key}, or null. */
    Object get(String key) {
        return fields.get(key);
    }

    String requiredString(String key) throws HelperException {
        String s = optionalString(key);
        if (s == null) {
            throw new HelperException(Errors.BAD_REQUEST, "missing string '" + key + "'");
        }
        return s;
    }

    String optionalString(String key) throws HelperException {
        Object v = fields.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String)) {
            throw new HelperException(Errors.BAD_REQUEST, "'" + key + "' must be a string");
        }
        return (String) v;
    }

    long optionalLong(String key, long fallback) throws HelperException {
        Object v = fields.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Long)) {
            throw new HelperException(Errors.BAD_REQUEST, "'" + key + "' must be an integer");
        }
        return (Long) v;
    }
}
