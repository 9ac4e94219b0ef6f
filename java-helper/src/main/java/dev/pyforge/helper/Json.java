package dev.pyforge.helper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON parser for the requests the helper reads (what it writes goes through {@link
 * JsonOut}). No JSON library is on the classpath, and the protocol needs little.
 *
 * <p>Objects become {@link LinkedHashMap}, arrays {@link ArrayList}, integers {@link
 * Long} (or {@link Double} when they do not fit or have a fraction or exponent), strings, booleans
 * and {@code null}.
 */
final class Json {
    private Json() {}

    /** Parses one JSON document; trailing non-space text is an error. */
    static Object parse(String text) throws ParseException {
        Parser p = new Parser(text);
        p.skipSpace();
        Object value = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return value;
    }

    /** A request line that is not valid JSON. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    private static final class Parser {
        /** Requests are flat; a deeper document is hostile or a bug. */
        private static final int MAX_DEPTH = 64;

        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        ParseException error(String what) {
            return new ParseException("invalid JSON at column " + (pos + 1) + ": " + what);
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object value(int depth) throws ParseException {
            if (depth > MAX_DEPTH) {
                throw error("nested too deeply");
            }
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'");
            }
        }

        void literal(String word) throws ParseException {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
        }

        Map<String, Object> object(int depth) throws ParseException {
            Map<String, Object> map = new LinkedHashMap<String, Object>();
            pos++; // '{'
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a member name");
                }
                String name = string();
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    throw error("expected ':'");
                }
                pos++;
                skipSpace();
                map.put(name, value(depth + 1));
                skipSpace();
                if (pos >= s.length()) {
                    throw error("unexpected end of input in an object");
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        List<Object> array(int depth) throws ParseException {
            List<Object> list = new ArrayList<Object>();
            pos++; // '['
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value(depth + 1));
                skipSpace();
                if (pos >= s.length()) {
                    throw error("unexpected end of input in an array");
                }
                char c = s.charAt(pos++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        String string() throws ParseException {
            pos++; // opening quote
            StringBuilder sb = null;
            int start = pos;
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    String tail = s.substring(start, pos);
                    pos++;
                    return sb == null ? tail : sb.append(tail).toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, start, pos);
                pos++; // backslash
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"':
                    case '\\':
                    case '/':
                        sb.append(e);
                        break;
                    case 'b':
                        sb.append('\b');
                        break;
                    case 'f':
                        sb.append('\f');
                        break;
                    case 'n':
                        sb.append('\n');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case 'u':
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        int code = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(pos + k), 16);
                            if (d < 0) {
                                throw error("bad \\u escape");
                            }
                            code = code * 16 + d;
                        }
                        pos += 4;
                        // Surrogate pairs arrive as two escapes; appending both
                        // halves rebuilds the character.
                        sb.append((char) code);
                        break;
                    default:
                        pos--;
                        throw error("bad escape '\\" + e + "'");
                }
                start = pos;
            }
        }

        Object number() throws ParseException {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            boolean integral = true;
            int digits = 0;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    digits++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                } else {
                    break;
                }
                pos++;
            }
            String text = s.substring(start, pos);
            if (digits == 0) {
                throw error("bad number '" + text + "'");
            }
            try {
                if (integral) {
                    try {
                        return Long.valueOf(text);
                    } catch (NumberFormatException tooBig) {
                        return Double.valueOf(text);
                    }
                }
                return Double.valueOf(text);
            } catch (NumberFormatException e) {
                throw error("bad number '" + text + "'");
            }
        }
    }
}
