package com.oneshotct.db;

/** An enum stored as text: its spelling in the database, as the migrations' CHECK constraints list it. */
public interface SqlName {

    String sql();

    static <E extends Enum<E> & SqlName> E parse(Class<E> type, String sql) {
        for (E e : type.getEnumConstants()) {
            if (e.sql().equals(sql)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + sql + "'");
    }
}
