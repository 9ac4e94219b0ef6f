package dev.pyforge.helper;

import com.healthmarketscience.jackcess.Column;
import com.healthmarketscience.jackcess.Cursor;
import com.healthmarketscience.jackcess.CursorBuilder;
import com.healthmarketscience.jackcess.DataType;
import com.healthmarketscience.jackcess.Database;
import com.healthmarketscience.jackcess.DatabaseBuilder;
import com.healthmarketscience.jackcess.DateTimeType;
import com.healthmarketscience.jackcess.PropertyMap;
import com.healthmarketscience.jackcess.Table;
import com.healthmarketscience.jackcess.TableMetaData;
import com.healthmarketscience.jackcess.complex.ComplexDataType;
import com.healthmarketscience.jackcess.complex.ComplexValueForeignKey;
import com.healthmarketscience.jackcess.complex.UnsupportedValue;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.sql.JDBCType;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code jackcess} engine: reads the file directly with Jackcess, read-only, row by row.
 *
 * <p>Dates are what Jackcess' {@link DateTimeType#LOCAL_DATE_TIME} mode makes of them: the stored
 * day count turns into a wall-clock {@link LocalDateTime} with no time zone involved, in the
 * proleptic Gregorian calendar Access itself counts in. The engine reads in {@link
 * DateTimeType#DATE} mode, whose values keep their stored bits, and {@link AccessDates} computes
 * that same LocalDateTime from them at a fraction of the cost.
 *
 * <p>A Jet database password is a header field, not encryption: Jackcess reads such a file
 * without it. The engine still checks the password given in the open request against it, so both
 * engines (UCanAccess refuses a wrong or missing password) agree on what a protected file needs.
 *
 * <p>The static helpers here describe Jackcess tables and columns; the UCanAccess engine uses them
 * too, through the Jackcess database UCanAccess opened, so that both report the same schema.
 */
final class JackcessEngine implements Engine {
    private Database db;
    /** What the database was opened with, for {@link #forReader}. */
    private String path;
    private String password;
    private String charset;

    @Override
    public OpenInfo open(String path, String password, String charset, String mirror)
            throws Exception {
        File file = new File(path);
        checkFile(file);
        DatabaseBuilder builder = new DatabaseBuilder(file).setReadOnly(true).setAutoSync(false);
        if (charset != null) {
            builder.setCharset(charsetFor(charset));
        }
        AtomicBoolean decrypted = Codecs.apply(builder, password);
        Database opened = builder.open();
        try {
            opened.setDateTimeType(
                    AccessDates.available() ? DateTimeType.DATE : DateTimeType.LOCAL_DATE_TIME);
            OpenInfo info = checkAndDescribe(opened, password, decrypted.get());
            db = opened;
            this.path = path;
            this.password = password;
            this.charset = charset;
            return info;
        } catch (Exception e) {
            closeQuietly(opened);
            throw e;
        }
    }

    @Override
    public List<TableInfo> tables() throws Exception {
        return listTables(require());
    }

    @Override
    public TableSchema schema(String name) throws Exception {
        Table table = openTable(require(), name);
        return new TableSchema(table.getName(), describeColumns(table), table.getRowCount());
    }

    /**
     * The rows of a table, each value taken from the cursor's current row by column: no row map
     * per row (Jackcess' {@code getNextRow} builds one, keyed by column name).
     */
    @Override
    public RowSource rows(String name) throws Exception {
        final Table table = openTable(require(), name);
        final Column[] cols = table.getColumns().toArray(new Column[0]);
        final List<ColumnInfo> infos = describeColumns(table);
        final ColumnInfo[] info = infos.toArray(new ColumnInfo[0]);
        final Cursor cursor = CursorBuilder.createCursor(table);
        return new TableRows(infos, table.getRowCount()) {
            @Override
            public Object[] next() throws Exception {
                if (!cursor.moveToNextRow()) {
                    return null;
                }
                Object[] out = new Object[cols.length];
                for (int i = 0; i < cols.length; i++) {
                    out[i] = canonical(info[i], cursor.getCurrentRowValue(cols[i]));
                }
                return out;
            }

            @Override
            public void close() {}
        };
    }

    /** The same file opened again, read-only: a Jackcess database is not safe between threads. */
    @Override
    public Engine forReader() throws Exception {
        require();
        JackcessEngine reader = new JackcessEngine();
        reader.open(path, password, charset, null);
        return reader;
    }

    @Override
    public void close() throws Exception {
        Database d = db;
        db = null;
        if (d != null) {
            d.close();
        }
    }

    private Database require() throws HelperException {
        if (db == null) {
            throw new HelperException(Errors.BAD_REQUEST, "no database is open");
        }
        return db;
    }

    // ---- shared with the UCanAccess engine ----

    static void checkFile(File file) throws HelperException {
        if (!file.exists()) {
            throw new HelperException(Errors.NOT_FOUND, "no such file: " + file.getPath());
        }
        if (file.isDirectory()) {
            throw new HelperException(Errors.IO, "is a directory, not a database: " + file);
        }
        if (!file.canRead()) {
            throw new HelperException(Errors.IO, "cannot read (permission denied): " + file);
        }
        if (file.length() == 0) {
            throw new HelperException(Errors.CORRUPT, "the file is empty: " + file);
        }
        checkSignature(file);
    }

    /** The signatures at byte 4 of every Jet, ACE and MSISAM file. */
    private static final String[] SIGNATURES = {
        "Standard Jet DB", "Standard ACE DB", "MSISAM Database"
    };

    /**
     * Refuses a file that is not an Access database before Jackcess reads it: Jackcess takes
     * byte 0x14 of any file for a format version, so a random file would otherwise come back
     * as "Unsupported newer version".
     */
    private static void checkSignature(File file) throws HelperException {
        byte[] head = new byte[19];
        int n = 0;
        try (java.io.InputStream in = new java.io.FileInputStream(file)) {
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            throw new HelperException(Errors.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (n == head.length && head[0] == 0 && head[1] == 1 && head[2] == 0 && head[3] == 0) {
            String sig = new String(head, 4, 15, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String s : SIGNATURES) {
                if (s.equals(sig)) {
                    return;
                }
            }
        }
        throw new HelperException(
                Errors.NOT_ACCESS,
                "not an Access database (no Jet or ACE signature at the start of the file)");
    }

    static Charset charsetFor(String name) throws HelperException {
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            throw new HelperException(Errors.BAD_REQUEST, "unknown charset: " + name);
        }
    }

    /** The Jet database password stored in the header, or null when there is none. */
    static String storedPassword(Database db) {
        try {
            String pw = db.getDatabasePassword();
            return pw == null || pw.isEmpty() ? null : pw;
        } catch (IOException | RuntimeException e) {
            // Formats without the field (ACE) throw or return garbage-free null; either means none.
            return null;
        }
    }

    static void checkPassword(String stored, String given) throws HelperException {
        if (stored == null) {
            return;
        }
        if (given == null || given.isEmpty()) {
            throw new HelperException(
                    Errors.PASSWORD, "the database is protected by a password and none was given");
        }
        if (!stored.equals(given)) {
            throw new HelperException(Errors.PASSWORD, "wrong password for the database");
        }
    }

    /**
     * Checks the password given against the file's and describes it. A file that was decrypted
     * with the password has proved it; otherwise the Jet header's password decides.
     */
    static OpenInfo checkAndDescribe(Database db, String password, boolean decrypted)
            throws IOException, HelperException {
        String stored = decrypted ? null : storedPassword(db);
        checkPassword(stored, password);
        OpenInfo info = new OpenInfo();
        info.fileFormat = db.getFileFormat().name();
        info.charset = db.getCharset().name();
        info.passwordProtected = decrypted || stored != null;
        return info;
    }

    /** User and linked tables in catalog order; system tables left out. */
    static List<TableInfo> listTables(Database db) throws IOException {
        List<TableInfo> out = new ArrayList<TableInfo>();
        for (TableMetaData meta : db.newTableMetaDataIterable()) {
            if (meta.isSystem()) {
                continue;
            }
            TableInfo t = new TableInfo();
            t.name = meta.getName();
            if (meta.isLinked()) {
                t.kind = TableInfo.LINKED;
                t.linkedDb = meta.getLinkedDbName();
                t.linkedTable = meta.getLinkedTableName();
                t.targetMissing = t.linkedDb == null || !linkTarget(t.linkedDb).isFile();
            } else if (t.name.startsWith("~")) {
                // ~TMPCLP... and friends: Access' scratch tables, not user data.
                t.kind = TableInfo.TEMPORARY;
            } else {
                t.kind = TableInfo.TABLE;
            }
            out.add(t);
        }
        return out;
    }

    /**
     * Where Jackcess' default link resolver looks for a linked database: the path as stored
     * (a Windows path such as {@code C:\db\x.mdb} names no file on other systems).
     */
    private static File linkTarget(String linkedDb) {
        return new File(linkedDb);
    }

    static Table openTable(Database db, String name) throws Exception {
        Table table;
        try {
            table = db.getTable(name);
        } catch (java.io.FileNotFoundException e) {
            throw new HelperException(
                    Errors.NOT_FOUND,
                    "the linked table's database is missing: " + Errors.message(e),
                    e);
        }
        if (table == null) {
            throw new HelperException(Errors.NOT_FOUND, "no table named '" + name + "'");
        }
        return table;
    }

    static List<ColumnInfo> describeColumns(Table table) throws IOException {
        List<ColumnInfo> out = new ArrayList<ColumnInfo>();
        for (Column c : table.getColumns()) {
            out.add(describeColumn(c));
        }
        return out;
    }

    static ColumnInfo describeColumn(Column c) throws IOException {
        ColumnInfo info = new ColumnInfo();
        DataType type = c.getType();
        info.name = c.getName();
        info.accessType = type.name();
        info.valueType = valueType(type);
        try {
            info.sqlType = JDBCType.valueOf(c.getSQLType()).getName();
        } catch (Exception e) {
            info.sqlType = null;
        }
        switch (type) {
            case TEXT:
                info.size = (int) c.getLengthInUnits();
                break;
            case BINARY:
                info.size = (int) c.getLength();
                break;
            case MONEY:
                info.precision = 19;
                info.scale = 4;
                break;
            case NUMERIC:
                info.precision = (int) c.getPrecision();
                // A calculated Decimal keeps each value's own scale (Access computes at full
                // precision); its declared scale is meaningless, so none is reported.
                info.scale = c.isCalculated() ? null : (Integer) (int) c.getScale();
                break;
            default:
                break;
        }
        info.autoNumber = isAutoNumber(c);
        info.calculated = c.isCalculated();
        if (type == DataType.COMPLEX_TYPE && c.getComplexInfo() != null) {
            info.complexType = c.getComplexInfo().getType().name();
        }
        info.nullable = nullable(c);
        return info;
    }

    /**
     * Whether the column is an AutoNumber. Some Access 97 files set the flag on Text, Date and
     * Currency columns (Jackcess warns "Unknown auto number column type"); only the types that can
     * be one count.
     */
    private static boolean isAutoNumber(Column c) {
        return c.isAutoNumber() && c.getType().mayBeAutoNumber();
    }

    /** False when the column's Required property is set (or it is an AutoNumber). */
    private static Boolean nullable(Column c) {
        if (isAutoNumber(c)) {
            return Boolean.FALSE;
        }
        if (c.getType() == DataType.BOOLEAN) {
            // Yes/No is never null in Access.
            return Boolean.FALSE;
        }
        try {
            PropertyMap props = c.getProperties();
            Object required = props.getValue(PropertyMap.REQUIRED_PROP);
            if (required instanceof Boolean) {
                return !((Boolean) required);
            }
            return Boolean.TRUE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static ValueType valueType(DataType type) {
        switch (type) {
            case BOOLEAN:
                return ValueType.BOOLEAN;
            case BYTE:
                return ValueType.UINT8;
            case INT:
                return ValueType.INT16;
            case LONG:
                return ValueType.INT32;
            case BIG_INT:
                return ValueType.INT64;
            case FLOAT:
                return ValueType.FLOAT32;
            case DOUBLE:
                return ValueType.FLOAT64;
            case MONEY:
            case NUMERIC:
                return ValueType.DECIMAL;
            case SHORT_DATE_TIME:
                return ValueType.TIMESTAMP;
            case TEXT:
            case MEMO:
                return ValueType.STRING;
            case GUID:
                return ValueType.GUID;
            case COMPLEX_TYPE:
                return ValueType.COMPLEX;
            default:
                // OLE, BINARY and the types Jackcess cannot decode travel as bytes.
                return ValueType.BINARY;
        }
    }

    /** A value from a Jackcess row in the canonical Java type of its column's value type. */
    static Object canonical(ColumnInfo info, Object v) throws IOException {
        if (v == null) {
            return null;
        }
        switch (info.valueType) {
            case BOOLEAN:
                return v instanceof Boolean ? v : Boolean.valueOf(v.toString());
            case UINT8:
                return v instanceof Byte ? Integer.valueOf(((Byte) v) & 0xFF) : number(v).intValue() & 0xFF;
            case INT16:
            case INT32:
                // Jackcess' Short and Integer are written as they are.
                return v instanceof Short || v instanceof Integer ? v : number(v).intValue();
            case INT64:
                return v instanceof Long ? v : number(v).longValue();
            case FLOAT32:
                return v instanceof Float ? v : number(v).floatValue();
            case FLOAT64:
                return v instanceof Double ? v : number(v).doubleValue();
            case DECIMAL:
                return Values.decimal(
                        v instanceof BigDecimal ? (BigDecimal) v : new BigDecimal(v.toString()),
                        info.scale);
            case TIMESTAMP:
                if (v instanceof LocalDateTime) {
                    return v;
                }
                LocalDateTime stored = AccessDates.fromStored(v);
                if (stored != null) {
                    return stored;
                }
                if (v instanceof java.util.Date) {
                    return Values.fromDate((java.util.Date) v);
                }
                throw new IllegalStateException("unexpected date value " + v.getClass());
            case STRING:
                return v.toString();
            case GUID:
                return Values.guid(v);
            case BINARY:
                if (v instanceof byte[]) {
                    return v;
                }
                return v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case COMPLEX:
                if (v instanceof ComplexValueForeignKey) {
                    return complexJson((ComplexValueForeignKey) v);
                }
                return v.toString();
            default:
                throw new IllegalStateException("unknown value type " + info.valueType);
        }
    }

    private static Number number(Object v) {
        if (v instanceof Number) {
            return (Number) v;
        }
        return new BigDecimal(v.toString());
    }

    static String complexJson(ComplexValueForeignKey fk) throws IOException {
        ComplexDataType type = fk.getComplexType();
        switch (type) {
            case ATTACHMENT:
                {
                    List<Values.Attachment> list = new ArrayList<Values.Attachment>();
                    for (com.healthmarketscience.jackcess.complex.Attachment a :
                            fk.getAttachments()) {
                        Values.Attachment x = new Values.Attachment();
                        x.name = a.getFileName();
                        x.type = a.getFileType();
                        x.url = a.getFileUrl();
                        x.timeStamp = AccessDates.orSelf(a.getFileTimeStampObject());
                        x.flags = a.getFileFlags();
                        x.data = a.getFileData();
                        list.add(x);
                    }
                    return Values.attachmentsJson(list);
                }
            case MULTI_VALUE:
                {
                    List<Object> list = new ArrayList<Object>();
                    for (com.healthmarketscience.jackcess.complex.SingleValue v :
                            fk.getMultiValues()) {
                        list.add(AccessDates.orSelf(v.get()));
                    }
                    return Values.multiValuesJson(list);
                }
            case VERSION_HISTORY:
                {
                    List<Values.Version> list = new ArrayList<Values.Version>();
                    for (com.healthmarketscience.jackcess.complex.Version v : fk.getVersions()) {
                        Values.Version x = new Values.Version();
                        x.value = v.getValue();
                        x.modified = AccessDates.orSelf(v.getModifiedDateObject());
                        list.add(x);
                    }
                    return Values.versionsJson(list);
                }
            default:
                {
                    List<Map<String, Object>> rows = new ArrayList<Map<String, Object>>();
                    for (UnsupportedValue u : fk.getUnsupportedValues()) {
                        Map<String, Object> values = new LinkedHashMap<String, Object>();
                        for (Map.Entry<String, Object> e : u.getValues().entrySet()) {
                            values.put(e.getKey(), AccessDates.orSelf(e.getValue()));
                        }
                        rows.add(values);
                    }
                    return Values.unsupportedJson(rows);
                }
        }
    }

    static void closeQuietly(Database d) {
        try {
            d.close();
        } catch (Exception | LinkageError e) {
            // Read-only: nothing to lose; the close error would hide the real one.
        }
    }
}
