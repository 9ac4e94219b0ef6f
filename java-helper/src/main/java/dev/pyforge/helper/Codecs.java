package dev.pyforge.helper;

import com.healthmarketscience.jackcess.impl.CodecProvider;
import com.healthmarketscience.jackcess.DatabaseBuilder;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Encrypted and encoded databases: when the jackcess-encrypt add-on ({@code pyforge jars install
 * --with encrypt}) is on the classpath, both engines open files through its {@code
 * CryptCodecProvider}, with the password of the open request (an RC4-encoded Jet file needs
 * none; an Office-encrypted .accdb needs its password). Without the add-on Jackcess opens only
 * plain files and an encrypted one fails with kind {@code encrypted}. The provider is found by
 * name, so the helper compiles and runs without the add-on.
 *
 * <p>The provider gets the password through a supplier, so the helper learns whether the file
 * asked for it: an encrypted file that opens has proved its password, and its header holds no
 * Jet database password to compare with (only ciphertext).
 */
final class Codecs {
    private Codecs() {}

    static final String PROVIDER = "com.healthmarketscience.jackcess.crypt.CryptCodecProvider";

    private static volatile Constructor<?> provider;
    private static volatile boolean looked;

    /** Whether the add-on is on the classpath and its provider loads. */
    static boolean available() {
        return constructor() != null;
    }

    /**
     * Makes {@code builder} open through the add-on's provider when it is present (else leaves it
     * alone). The flag returned turns true once the file asks for its password.
     */
    static AtomicBoolean apply(DatabaseBuilder builder, final String password) throws IOException {
        final AtomicBoolean asked = new AtomicBoolean(false);
        Constructor<?> c = constructor();
        if (c == null) {
            return asked;
        }
        Supplier<String> supplier =
                new Supplier<String>() {
                    @Override
                    public String get() {
                        asked.set(true);
                        return password;
                    }
                };
        try {
            builder.setCodecProvider((CodecProvider) c.newInstance(supplier));
            return asked;
        } catch (InvocationTargetException e) {
            throw new IOException("jackcess-encrypt could not start", e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IOException("jackcess-encrypt could not start", e);
        }
    }

    private static Constructor<?> constructor() {
        if (!looked) {
            synchronized (Codecs.class) {
                if (!looked) {
                    try {
                        Class<?> cls = Class.forName(PROVIDER, true, Codecs.class.getClassLoader());
                        provider = cls.getConstructor(Supplier.class);
                    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
                        provider = null;
                    }
                    looked = true;
                }
            }
        }
        return provider;
    }
}
