package dev.pyforge.helper;

/**
 * A failure the helper reports with a known error kind (one of the {@code Errors.*} constants),
 * as opposed to an exception from the libraries, which {@link Errors#classify} sorts.
 */
final class HelperException extends Exception {
    private static final long serialVersionUID = 1L;

    final String kind;

    HelperException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    HelperException(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }
}
