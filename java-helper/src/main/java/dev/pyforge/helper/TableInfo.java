package dev.pyforge.helper;

/** One entry of a {@code tables} response. */
final class TableInfo {
    static final String TABLE = "table";
    static final String LINKED = "linked";
    static final String TEMPORARY = "temporary";

    String name;
    String kind;
    /** For linked tables: the database the link points to, as stored in the file. */
    String linkedDb;
    /** For linked tables: the table's name in that database. */
    String linkedTable;
    /** For linked tables: whether the target database file is absent on this machine. */
    Boolean targetMissing;
}
