package dev.pyforge.helper;

import com.healthmarketscience.jackcess.Database;
import com.healthmarketscience.jackcess.DatabaseBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import net.ucanaccess.jdbc.JackcessOpenerInterface;

/**
 * How UCanAccess opens the file for the {@code ucanaccess} engine ({@code jackcessOpener=} in
 * the JDBC URL): read-only, which UCanAccess' default opener only falls back to, and with the
 * charset of the open request. UCanAccess creates the opener from its class name, so the charset
 * travels in a static field, set just before the connection is made.
 */
public final class ReadOnlyOpener implements JackcessOpenerInterface {
    static volatile Charset charset;

    @Override
    public Database open(File file, String password) throws IOException {
        DatabaseBuilder builder = new DatabaseBuilder(file).setReadOnly(true).setAutoSync(false);
        Charset c = charset;
        if (c != null) {
            builder.setCharset(c);
        }
        return builder.open();
    }
}
