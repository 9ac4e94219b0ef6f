package dev.pyforge.helper;

/** One column of a {@code schema} response. Optional fields are {@code null} when unknown. */
final class ColumnInfo {
    String name;
    /** Jackcess' name of the Access type: TEXT, MEMO, LONG, MONEY, SHORT_DATE_TIME, ... */
    String accessType;
    /** The JDBC type name (java.sql.JDBCType) the engine reports. */
    String sqlType;
    ValueType valueType;
    Integer size;
    Integer precision;
    Integer scale;
    Boolean nullable;
    boolean autoNumber;
    boolean calculated;
    /** ATTACHMENT, MULTI_VALUE, VERSION_HISTORY or UNSUPPORTED for complex columns. */
    String complexType;
}
