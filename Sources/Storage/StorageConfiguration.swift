package import Logging
package import NIOPosix

/// Tuning for connections and databases; the defaults suit a service with many small transactions.
package struct StorageConfiguration: Sendable {
    /// How long a connection waits for another process's lock before failing with `busy`.
    /// Within one process the writer is serialized before SQLite sees it, so this only covers other
    /// processes (replicas of the same service) and checkpoints.
    package var busyTimeout: Duration = .seconds(5)
    /// Prepared statements kept per connection, least recently used evicted first.
    package var statementCacheCapacity: Int = 64
    /// Reader connections per database, opened on demand; WAL lets them read while the writer writes.
    package var maxReaders: Int = 3
    /// Where storage reports opens, closes and applied migrations (never values).
    package var logger: Logger = Logger(label: "clinic.storage")
    /// Threads for the blocking SQLite calls, shared with other pools and never stopped by them;
    /// nil: each `TenantDatabasePool` starts (and stops) its own. Tests, which start hundreds of
    /// services in one process, share one so that threads do not pile up by the thousand.
    package var sharedThreadPool: NIOThreadPool?

    /// The defaults.
    package init() {}

    /// The busy timeout in whole milliseconds, clamped to what `sqlite3_busy_timeout` takes.
    var busyTimeoutMilliseconds: Int32 {
        let (seconds, attoseconds) = busyTimeout.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return seconds > 0 ? Int32.max : 0 }
        return Int32(clamping: max(0, milliseconds.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}
