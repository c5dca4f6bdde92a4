internal import COpenSSL

/// One entry of OpenSSL's error queue.
struct OpenSSLErrorEntry: Sendable, Hashable {
    /// The packed error code (library and reason).
    var code: UInt
    /// The library that raised it (`ERR_LIB_SSL`, `ERR_LIB_PEM`, ...).
    var library: Int32
    /// The library's reason code (`SSL_R_...`).
    var reason: Int32
    /// OpenSSL's text, e.g. `error:0A000086:SSL routines::certificate verify failed`.
    var text: String

    /// OpenSSL's short reason text, e.g. `tlsv1 alert unknown ca`.
    var reasonText: String {
        guard let text = ERR_reason_error_string(code) else { return "reason \(reason)" }
        return String(cString: text)
    }
}

/// OpenSSL's thread-local error queue.
///
/// The queue belongs to the thread, not to a connection: clear it before a call whose failure we
/// will read, and drain it on the same thread right after, so errors never leak between
/// connections that share an event loop thread.
enum OpenSSLErrorQueue {
    /// Empties the queue before an OpenSSL call. Usually it is empty already (failures are
    /// drained where they happen): peeking is a fraction of what clearing costs, and this runs
    /// before every read and write of every connection.
    static func clear() {
        if ERR_peek_error() != 0 { ERR_clear_error() }
    }

    /// Takes every entry off the queue, oldest first.
    static func drain() -> [OpenSSLErrorEntry] {
        var entries: [OpenSSLErrorEntry] = []
        while true {
            var data: UnsafePointer<CChar>? = nil
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                return String(cString: buffer.baseAddress!)  // ERR_error_string_n always NUL-terminates.
            }
            if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 {
                text += " (\(String(cString: data)))"
            }
            entries.append(
                OpenSSLErrorEntry(code: code, library: ERR_GET_LIB(code), reason: ERR_GET_REASON(code), text: text)
            )
        }
        return entries
    }

    /// A configuration error from whatever the queue holds now.
    static func configurationError(_ what: String) -> TLSError {
        let entries = drain()
        let detail = entries.last.map { ": \($0.reasonText)" } ?? ""
        return TLSError(.invalidConfiguration, what + detail, openSSLErrors: entries.map(\.text))
    }
}
