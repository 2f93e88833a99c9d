package com.oneshotct.db;

/**
 * The database refused a row: a NOT NULL, CHECK, UNIQUE or FOREIGN KEY constraint, or a history-protecting
 * trigger. {@link #constraint()}, {@link #table()} and {@link #column()} name what refused it where PostgreSQL
 * says (null where it does not).
 */
public class ConstraintViolationException extends RegistryException {

    private final String table;
    private final String column;
    private final String constraint;

    public ConstraintViolationException(String message, String table, String column, String constraint,
                                        Throwable cause) {
        super(message, cause);
        this.table = table;
        this.column = column;
        this.constraint = constraint;
    }

    public String table() {
        return table;
    }

    public String column() {
        return column;
    }

    public String constraint() {
        return constraint;
    }
}
