import Foundation
package import Logging

/// Logging for service processes: one line per event on standard error, `key=value` metadata
/// (swift-log's stream handler), the level from `CLINIC_LOG_LEVEL` (default `info`).
///
/// What is logged is ids, addresses, codes and durations; handlers never log passwords, tokens
/// or patient data (see docs/AUTH.md), and `Redacted` keeps careless interpolation safe.
package enum LogSetup {
    /// Bootstraps swift-log once per process; later calls do nothing.
    package static func bootstrap(level: Logger.Level? = nil) {
        guard claim() else { return }
        let resolved = level ?? ProcessInfo.processInfo.environment["CLINIC_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = resolved
            return handler
        }
    }

    /// A logger for `label` with `metadata` attached.
    package static func logger(_ label: String, metadata: Logger.Metadata = [:]) -> Logger {
        var logger = Logger(label: label)
        for (key, value) in metadata { logger[metadataKey: key] = value }
        return logger
    }

    private static let done = NSLock()
    nonisolated(unsafe) private static var bootstrapped = false

    private static func claim() -> Bool {
        done.lock()
        defer { done.unlock() }
        if bootstrapped { return false }
        bootstrapped = true
        return true
    }
}
