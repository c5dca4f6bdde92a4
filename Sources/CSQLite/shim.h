#ifndef CLINIC_CSQLITE_SHIM_H
#define CLINIC_CSQLITE_SHIM_H

#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a macro casting -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/// `sqlite3_config` is variadic; this wraps the one form the storage layer needs.
static inline int csqlite_config_multithread(void) {
    return sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

/// `sqlite3_db_config` is variadic. Defensive mode forbids writes that can corrupt the file
/// (writable_schema, direct shadow-table edits) even through otherwise valid SQL.
static inline int csqlite_enable_defensive(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}

/// `sqlite3_db_config` is variadic. Turns off double-quoted string literals, so a misspelled
/// `"column"` is an error instead of silently becoming the string 'column'.
static inline int csqlite_disable_double_quoted_strings(sqlite3 *db) {
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)0);
}

#endif
