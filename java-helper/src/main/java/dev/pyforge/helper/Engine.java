package dev.pyforge.helper;

import java.util.List;

/**
 * One way of reading an Access database. Both engines answer the same questions with the same
 * values, so the supervisor never needs to know which one ran: {@link JackcessEngine} reads the
 * file directly, {@link UcanaccessEngine} goes through the UCanAccess JDBC driver (HSQLDB
 * mirror).
 *
 * <p>An engine holds at most one open database. It is used from one thread at a time: the request
 * thread, or (for an engine from {@link #forReader}) the thread of one concurrent read.
 */
interface Engine {
    /** Opens {@code path}; the password is the one from the open request, or null. */
    OpenInfo open(String path, String password, String charset, String mirror) throws Exception;

    /** User and linked tables; system tables are left out. */
    List<TableInfo> tables() throws Exception;

    /** Columns and row count (from the file's metadata) of one table. */
    TableSchema schema(String table) throws Exception;

    /** A forward-only pass over one table's rows, in the column order of {@link #schema}. */
    RowSource rows(String table) throws Exception;

    void close() throws Exception;

    /**
     * Another engine on the database this one has open, opened anew for reading on another
     * thread (engines are not shared between threads); null when this engine cannot read tables
     * side by side.
     */
    Engine forReader() throws Exception;

    /** A table's columns and its row count as the file's metadata states it. */
    final class TableSchema {
        final String name;
        final List<ColumnInfo> columns;
        final long rowCount;

        TableSchema(String name, List<ColumnInfo> columns, long rowCount) {
            this.name = name;
            this.columns = columns;
            this.rowCount = rowCount;
        }
    }

    /**
     * Rows of one table. {@link #next} returns the values in canonical Java types: Boolean,
     * integers as Short, Integer or Long (bytes unsigned), Float, Double, BigDecimal (at the
     * column's scale), String (GUIDs canonical, complex values as JSON text),
     * java.time.LocalDateTime and byte[]; null for SQL NULL.
     */
    interface RowSource extends AutoCloseable {
        List<ColumnInfo> columns();

        long metadataRowCount();

        /** The next row, or null after the last. */
        Object[] next() throws Exception;

        @Override
        void close();
    }

    /**
     * A {@link RowSource} whose columns and stated row count are known up front (both engines
     * take them from Jackcess' table); subclasses only read rows.
     */
    abstract class TableRows implements RowSource {
        private final List<ColumnInfo> columns;
        private final long rowCount;

        protected TableRows(List<ColumnInfo> columns, long rowCount) {
            this.columns = columns;
            this.rowCount = rowCount;
        }

        @Override
        public final List<ColumnInfo> columns() {
            return columns;
        }

        @Override
        public final long metadataRowCount() {
            return rowCount;
        }
    }
}
