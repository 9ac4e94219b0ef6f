package dev.pyforge.helper;

import java.util.List;

/**
 * Chooses the engine an {@code open} request names and makes it, after checking that its
 * libraries are on the classpath; also says which engines the classpath offers, for the hello's
 * features.
 */
final class Engines {
    static final String JACKCESS = "jackcess";
    static final String UCANACCESS = "ucanaccess";

    private final List<Versions.Library> libraries;

    Engines(List<Versions.Library> libraries) {
        this.libraries = libraries;
    }

    /** Whether the {@code jackcess} engine can run here. */
    boolean jackcessAvailable() {
        return Versions.has(libraries, "jackcess");
    }

    /** Whether the {@code ucanaccess} engine can run here (it reads through Jackcess too). */
    boolean ucanaccessAvailable() {
        return jackcessAvailable()
                && Versions.has(libraries, "ucanaccess")
                && Versions.has(libraries, "hsqldb");
    }

    /** A new, unopened engine called {@code name}. */
    Engine create(String name) throws HelperException {
        if (name.equals(JACKCESS)) {
            if (!jackcessAvailable()) {
                throw new HelperException(Errors.INTERNAL, "jackcess is not on the classpath");
            }
            return new JackcessEngine();
        }
        if (name.equals(UCANACCESS)) {
            if (!Versions.has(libraries, "ucanaccess") || !Versions.has(libraries, "hsqldb")) {
                throw new HelperException(
                        Errors.INTERNAL, "ucanaccess or hsqldb is not on the classpath");
            }
            return new UcanaccessEngine();
        }
        throw new HelperException(Errors.BAD_REQUEST, "unknown engine '" + name + "'");
    }
}
