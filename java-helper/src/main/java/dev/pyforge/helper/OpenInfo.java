package dev.pyforge.helper;

/** What an {@code opened} response says about the database. */
final class OpenInfo {
    /** Jackcess' FileFormat: V1997, V2000, V2003, V2007, V2010, V2016, GENERIC_JET4, MSISAM. */
    String fileFormat;
    /** The charset text is decoded with. */
    String charset;
    /** Whether the file carries a Jet database password. */
    boolean passwordProtected;
}
