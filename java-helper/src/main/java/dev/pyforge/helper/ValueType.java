package dev.pyforge.helper;

/**
 * How the values of a column travel in {@code rows} messages; the protocol's {@code value_type}.
 * Both engines give every column the same value type, derived from its Access type, so the
 * supervisor builds the same Arrow type whichever engine read the table.
 */
enum ValueType {
    /** Yes/No: JSON true or false. */
    BOOLEAN("boolean"),
    /** Byte (unsigned, 0 to 255): JSON number. */
    UINT8("uint8"),
    /** Integer: JSON number. */
    INT16("int16"),
    /** Long Integer and AutoNumber: JSON number. */
    INT32("int32"),
    /** Large Number (BIGINT): JSON number. */
    INT64("int64"),
    /** Single: JSON number, or "NaN", "Infinity", "-Infinity". */
    FLOAT32("float32"),
    /** Double: JSON number, or "NaN", "Infinity", "-Infinity". */
    FLOAT64("float64"),
    /** Currency and Decimal: a string with exactly the column's scale, e.g. "12.3400". */
    DECIMAL("decimal"),
    /** Date/Time: "2024-01-31T10:00:00", fractional seconds only when not zero. */
    TIMESTAMP("timestamp"),
    /** Text and Memo. */
    STRING("string"),
    /** Replication ID: "{8-4-4-4-12}" in upper case. */
    GUID("guid"),
    /** OLE Object, Binary and types Jackcess cannot decode: base64 of the bytes. */
    BINARY("binary"),
    /** Attachment, multi-value, version history: a string holding a JSON document. */
    COMPLEX("complex");

    final String wire;

    ValueType(String wire) {
        this.wire = wire;
    }
}
