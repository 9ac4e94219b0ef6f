package dev.pyforge.helper;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** What the helper's hello reports about itself and the JAR set it found on its classpath. */
final class Versions {
    private Versions() {}

    /** A library of the JAR set, found by a class it must contain. */
    static final class Library {
        final String name;
        final String probe;
        String version;
        String file;

        Library(String name, String probe) {
            this.name = name;
            this.probe = probe;
        }
    }

    /** The helper's own version, written into the jar by build.rs (the pyforge version). */
    static String helperVersion() {
        InputStream in = Versions.class.getResourceAsStream("version.properties");
        if (in == null) {
            return "unknown";
        }
        try {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("helper_version", "unknown");
        } catch (Exception e) {
            return "unknown";
        } finally {
            try {
                in.close();
            } catch (Exception ignored) {
                // nothing to do
            }
        }
    }

    /** The libraries of the set that are on the classpath, with version and file name. */
    static List<Library> libraries() {
        Library[] all = {
            new Library("jackcess", "com.healthmarketscience.jackcess.Database"),
            new Library("ucanaccess", "net.ucanaccess.jdbc.UcanaccessDriver"),
            new Library("hsqldb", "org.hsqldb.jdbc.JDBCDriver"),
            new Library("commons-lang3", "org.apache.commons.lang3.StringUtils"),
            new Library("commons-logging", "org.apache.commons.logging.LogFactory"),
            new Library("jackcess-encrypt", Codecs.PROVIDER),
            new Library("bcprov", "org.bouncycastle.crypto.engines.AESEngine"),
        };
        List<Library> found = new ArrayList<Library>();
        for (Library lib : all) {
            Class<?> c;
            try {
                c = Class.forName(lib.probe, false, Versions.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            Package pkg = c.getPackage();
            if (pkg != null) {
                lib.version = pkg.getImplementationVersion();
            }
            File jar = jarOf(c);
            if (jar != null) {
                lib.file = jar.getName();
                if (lib.version == null) {
                    lib.version = manifestVersion(jar);
                }
            }
            found.add(lib);
        }
        return found;
    }

    static boolean has(List<Library> libs, String name) {
        for (Library l : libs) {
            if (l.name.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static File jarOf(Class<?> c) {
        try {
            CodeSource src = c.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            URL url = src.getLocation();
            if (url == null || !"file".equals(url.getProtocol())) {
                return null;
            }
            File f = new File(url.toURI());
            return f.isFile() ? f : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String manifestVersion(File jar) {
        try (JarFile jf = new JarFile(jar)) {
            Manifest m = jf.getManifest();
            if (m == null) {
                return null;
            }
            Attributes a = m.getMainAttributes();
            String v = a.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
            if (v == null) {
                v = a.getValue("Bundle-Version");
            }
            return v;
        } catch (Exception e) {
            return null;
        }
    }
}
