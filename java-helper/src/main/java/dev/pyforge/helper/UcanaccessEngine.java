package dev.pyforge.helper;

import com.healthmarketscience.jackcess.CursorBuilder;
import com.healthmarketscience.jackcess.Database;
import com.healthmarketscience.jackcess.Row;
import com.healthmarketscience.jackcess.Table;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import net.ucanaccess.jdbc.BlobKey;
import net.ucanaccess.jdbc.UcanaccessConnection;
import net.ucanaccess.jdbc.UcanaccessDriver;

/**
 * The {@code ucanaccess} engine: JDBC through UCanAccess 4.0.4, which copies the database into
 * an HSQLDB mirror ({@code memory=true}, or {@code memory=false} with the mirror in
 * {@code java.io.tmpdir} for files too big for the heap) and answers SQL over it.
 *
 * <p>Its answers match the {@code jackcess} engine's: the table list and the column descriptions
 * come from the Jackcess database UCanAccess itself opened (only {@code sql_type} is the JDBC
 * driver's), and every value is brought into the same canonical form. Rows come from
 * {@code SELECT * FROM [table]}, reordered into the schema's column order.
 */
final class UcanaccessEngine implements Engine {
    private Connection conn;
    private Database dbIO;

    @Override
    public OpenInfo open(String path, String password, String charset, String mirror)
            throws Exception {
        File file = new File(path);
        JackcessEngine.checkFile(file);
        if (path.indexOf(';') >= 0) {
            throw new HelperException(
                    Errors.BAD_REQUEST,
                    "the ucanaccess engine cannot open a path containing ';' (its URL separator)");
        }
        ReadOnlyOpener.charset = charset == null ? null : JackcessEngine.charsetFor(charset);
        ReadOnlyOpener.decrypted = false;
        StringBuilder url = new StringBuilder("jdbc:ucanaccess://");
        url.append(file.getAbsolutePath());
        url.append(";jackcessOpener=").append(ReadOnlyOpener.class.getName());
        url.append(";skipIndexes=true;openExclusive=false;immediatelyReleaseResources=true");
        if (mirror.equals("disk")) {
            File dir = new File(System.getProperty("java.io.tmpdir"));
            url.append(";memory=false;mirrorFolder=").append(dir.getAbsolutePath());
        } else {
            url.append(";memory=true");
        }
        Properties props = new Properties();
        if (password != null) {
            props.setProperty("password", password);
        }
        Connection c = new UcanaccessDriver().connect(url.toString(), props);
        try {
            Database io = ((UcanaccessConnection) c).getDbIO();
            OpenInfo info =
                    JackcessEngine.checkAndDescribe(io, password, ReadOnlyOpener.decrypted);
            conn = c;
            dbIO = io;
            return info;
        } catch (Exception e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    public List<TableInfo> tables() throws Exception {
        require();
        return JackcessEngine.listTables(dbIO);
    }

    @Override
    public TableSchema schema(String name) throws Exception {
        require();
        Table table = JackcessEngine.openTable(dbIO, name);
        List<ColumnInfo> cols = JackcessEngine.describeColumns(table);
        Map<String, String> sqlTypes = jdbcTypes(table.getName());
        for (ColumnInfo c : cols) {
            c.sqlType = sqlTypes.get(c.name.toLowerCase(Locale.ROOT));
        }
        return new TableSchema(table.getName(), cols, table.getRowCount());
    }

    /** Column name (lower case) to the driver's TYPE_NAME for one table. */
    private Map<String, String> jdbcTypes(String table) throws SQLException {
        Map<String, String> out = new HashMap<String, String>();
        DatabaseMetaData md = conn.getMetaData();
        try (ResultSet rs = md.getColumns(null, null, table, "%")) {
            while (rs.next()) {
                String t = rs.getString("TABLE_NAME");
                if (t != null && !t.equalsIgnoreCase(table)) {
                    continue;
                }
                out.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getString("TYPE_NAME"));
            }
        }
        return out;
    }

    @Override
    public RowSource rows(String name) throws Exception {
        require();
        final Database io = dbIO;
        final Table table = JackcessEngine.openTable(io, name);
        final List<ColumnInfo> infos = JackcessEngine.describeColumns(table);
        if (!loaded(table.getName())) {
            throw new HelperException(
                    Errors.NOT_FOUND,
                    "UCanAccess did not load table '" + table.getName() + "' (see its warnings)");
        }
        final Statement st =
                conn.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        final ResultSet rs;
        try {
            st.setFetchSize(1000);
            rs = st.executeQuery("SELECT * FROM [" + table.getName() + "]");
        } catch (Exception e) {
            st.close();
            throw e;
        }
        // Result column for each schema column, matched by name.
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Integer> byName = new HashMap<String, Integer>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            byName.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), i);
        }
        final int[] index = new int[infos.size()];
        for (int i = 0; i < index.length; i++) {
            Integer at = byName.get(infos.get(i).name.toLowerCase(Locale.ROOT));
            if (at == null) {
                rs.close();
                st.close();
                throw new HelperException(
                        Errors.INTERNAL,
                        "UCanAccess returned no column '" + infos.get(i).name + "' for table '"
                                + table.getName() + "'");
            }
            index[i] = at;
        }
        return new TableRows(infos, table.getRowCount()) {
            @Override
            public Object[] next() throws Exception {
                if (!rs.next()) {
                    return null;
                }
                Object[] out = new Object[index.length];
                for (int i = 0; i < index.length; i++) {
                    out[i] = value(rs, index[i], infos.get(i), io, table);
                }
                return out;
            }

            @Override
            public void close() {
                try {
                    rs.close();
                } catch (Exception ignored) {
                    // closing a read-only cursor
                }
                try {
                    st.close();
                } catch (Exception ignored) {
                    // closing a read-only statement
                }
            }
        };
    }

    private boolean loaded(String table) throws SQLException {
        // All tables, then compare: UCanAccess matches a name pattern against its escaped
        // HSQLDB names, so asking for "Table" finds nothing.
        try (ResultSet rs = conn.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                if (table.equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One value through the JDBC getter its value type needs, then made canonical. */
    private static Object value(ResultSet rs, int i, ColumnInfo info, Database dbIO, Table table)
            throws Exception {
        switch (info.valueType) {
            case BOOLEAN:
                {
                    boolean b = rs.getBoolean(i);
                    return rs.wasNull() ? null : Boolean.valueOf(b);
                }
            case UINT8:
                {
                    int v = rs.getInt(i);
                    return rs.wasNull() ? null : Integer.valueOf(v & 0xFF);
                }
            case INT16:
            case INT32:
                {
                    int v = rs.getInt(i);
                    return rs.wasNull() ? null : Integer.valueOf(v);
                }
            case INT64:
                {
                    long v = rs.getLong(i);
                    return rs.wasNull() ? null : Long.valueOf(v);
                }
            case FLOAT32:
                {
                    // HSQLDB keeps REAL as a double; the float it came from is the nearest one.
                    double v = rs.getDouble(i);
                    return rs.wasNull() ? null : Float.valueOf((float) v);
                }
            case FLOAT64:
                {
                    double v = rs.getDouble(i);
                    return rs.wasNull() ? null : Double.valueOf(v);
                }
            case DECIMAL:
                {
                    BigDecimal v = rs.getBigDecimal(i);
                    return v == null ? null : Values.decimal(v, info.scale);
                }
            case TIMESTAMP:
                {
                    Timestamp v = rs.getTimestamp(i);
                    return v == null ? null : Values.fromDate(v);
                }
            case STRING:
                return rs.getString(i);
            case GUID:
                {
                    String v = rs.getString(i);
                    return v == null ? null : Values.guid(v);
                }
            case BINARY:
                return bytes(rs.getObject(i), dbIO, table);
            case COMPLEX:
                return complexJson(rs.getObject(i));
            default:
                throw new IllegalStateException("unknown value type " + info.valueType);
        }
    }

    /**
     * OLE values come back as UCanAccess' serialized {@link BlobKey} (it loads OLE data lazily):
     * the key leads back to the bytes in the file, which are what the jackcess engine returns.
     */
    private static byte[] bytes(Object v, Database dbIO, Table table) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof byte[]) {
            byte[] raw = (byte[]) v;
            BlobKey key = BlobKey.getBlobKey(new ByteArrayInputStream(raw));
            if (key == null) {
                return raw;
            }
            return oleBytes(key, dbIO, table);
        }
        if (v instanceof Blob) {
            Blob b = (Blob) v;
            return b.getBytes(1, (int) b.length());
        }
        if (v instanceof Clob) {
            Clob c = (Clob) v;
            return c.getSubString(1, (int) c.length())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] oleBytes(BlobKey key, Database dbIO, Table table)
            throws SQLException {
        try {
            Blob ole = key.getOleBlob(dbIO);
            return ole.getBytes(1, (int) ole.length());
        } catch (SQLException | RuntimeException indexLookup) {
            // Jackcess cannot look rows up by index in Jet3 (Access 97) files; find the row by
            // scanning instead. Quadratic, but only Access 97 tables with OLE columns get here.
            try {
                Row row = CursorBuilder.findRow(table, key.getKey());
                if (row == null) {
                    throw new HelperException(
                            Errors.CORRUPT,
                            "the row of an OLE value in table '" + table.getName() + "' is gone");
                }
                return row.getBytes(key.getColumnName());
            } catch (Exception e) {
                SQLException wrapped = new SQLException("reading an OLE value failed", e);
                wrapped.addSuppressed(indexLookup);
                throw wrapped;
            }
        }
    }

    /** UCanAccess' complex objects (arrays of its own classes) in the shared JSON layout. */
    private static String complexJson(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof net.ucanaccess.complex.Attachment[]) {
            List<Values.Attachment> list = new ArrayList<Values.Attachment>();
            for (net.ucanaccess.complex.Attachment a : (net.ucanaccess.complex.Attachment[]) v) {
                Values.Attachment x = new Values.Attachment();
                x.name = a.getName();
                x.type = a.getType();
                x.url = a.getUrl();
                x.timeStamp = a.getTimeStamp();
                x.flags = a.getFlags();
                x.data = a.getData();
                list.add(x);
            }
            return Values.attachmentsJson(list);
        }
        if (v instanceof net.ucanaccess.complex.SingleValue[]) {
            List<Object> list = new ArrayList<Object>();
            for (net.ucanaccess.complex.SingleValue s : (net.ucanaccess.complex.SingleValue[]) v) {
                list.add(s.getValue());
            }
            return Values.multiValuesJson(list);
        }
        if (v instanceof net.ucanaccess.complex.Version[]) {
            List<Values.Version> list = new ArrayList<Values.Version>();
            for (net.ucanaccess.complex.Version s : (net.ucanaccess.complex.Version[]) v) {
                Values.Version x = new Values.Version();
                x.value = s.getValue();
                x.modified = s.getModifiedDate();
                list.add(x);
            }
            return Values.versionsJson(list);
        }
        JsonOut out = new JsonOut(64);
        Values.any(out, v);
        return out.toString();
    }

    private void require() throws HelperException {
        if (conn == null) {
            throw new HelperException(Errors.BAD_REQUEST, "no database is open");
        }
    }

    /** UCanAccess reads through one connection to its mirror: its reads go in order. */
    @Override
    public Engine forReader() {
        return null;
    }

    @Override
    public void close() throws Exception {
        Connection c = conn;
        conn = null;
        dbIO = null;
        if (c != null) {
            c.close();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (Exception e) {
            // the open failed already; that error is the one to report
        }
    }
}
