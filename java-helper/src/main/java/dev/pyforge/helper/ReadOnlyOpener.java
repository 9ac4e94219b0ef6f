package dev.pyforge.helper;

import com.healthmarketscience.jackcess.Database;
import com.healthmarketscience.jackcess.DatabaseBuilder;
import com.healthmarketscience.jackcess.DateTimeType;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.concurrent.atomic.AtomicBoolean;
import net.ucanaccess.jdbc.JackcessOpenerInterface;

/**
 * How UCanAccess opens the file for the {@code ucanaccess} engine ({@code jackcessOpener=} in
 * the JDBC URL): read-only, which UCanAccess' default opener only falls back to, with the
 * charset of the open request, through jackcess-encrypt when it is installed, and with the
 * legacy {@code Date} values UCanAccess 4.0.4 was written for. UCanAccess creates the opener
 * from its class name, so the charset travels in a static field, set just before the connection
 * is made, and whether the file was decrypted comes back in another.
 */
public final class ReadOnlyOpener implements JackcessOpenerInterface {
    static volatile Charset charset;
    /** Whether the last file opened was decrypted with its password (see {@link Codecs}). */
    static volatile boolean decrypted;

    @Override
    public Database open(File file, String password) throws IOException {
        DatabaseBuilder builder = new DatabaseBuilder(file).setReadOnly(true).setAutoSync(false);
        Charset c = charset;
        if (c != null) {
            builder.setCharset(c);
        }
        AtomicBoolean asked = Codecs.apply(builder, password);
        Database db = builder.open();
        decrypted = asked.get();
        // Jackcess 4 hands out LocalDateTime by default; UCanAccess 4.0.4 expects Date.
        db.setDateTimeType(DateTimeType.DATE);
        return db;
    }
}
