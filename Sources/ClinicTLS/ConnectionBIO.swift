internal import COpenSSL
internal import NIOCore

/// The BIO between an `SSL` and its `TLSConnection`: OpenSSL reads received ciphertext straight
/// from the connection's inbound `ByteBuffer` and writes records straight into its outbound
/// one.
///
/// Two memory BIOs did the same with two extra copies of every byte (into the read BIO, out of
/// the write BIO), and each write into a memory BIO also zero-fills the space it grows into
/// (`BUF_MEM_grow_clean`): a 16 KiB echo paid four 16 KiB copies and four 16 KiB memsets per
/// call for nothing. The callbacks run only inside the connection's own OpenSSL calls, on its
/// event loop.
enum ConnectionBIO {
    /// One method table for every connection (OpenSSL keeps it for the process's lifetime).
    nonisolated(unsafe) static let method: OpaquePointer = {
        let type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK
        // A failure here means OpenSSL cannot allocate a few bytes at startup.
        guard let method = BIO_meth_new(type, "clinic connection") else { fatalError("BIO_meth_new failed") }
        _ = BIO_meth_set_write_ex(method) { bio, data, count, written in
            guard let bio, let connection = BIO_get_data(bio) else { return 0 }
            copenssl_bio_clear_retry_flags(bio)
            if let data, count > 0 {
                ConnectionBIO.with(connection) { $0.outbound.writeBytes(UnsafeRawBufferPointer(start: data, count: count)) }
            }
            written?.pointee = count
            return 1
        }
        _ = BIO_meth_set_read_ex(method) { bio, data, count, read in
            guard let bio, let connection = BIO_get_data(bio) else { return 0 }
            copenssl_bio_clear_retry_flags(bio)
            let space = UnsafeMutableRawBufferPointer(start: data, count: data == nil ? 0 : count)
            let taken = ConnectionBIO.with(connection) { $0.takeInbound(into: space) }
            guard taken > 0 else {
                // Nothing yet: more may come from the network (not end of file).
                copenssl_bio_set_retry_read(bio)
                read?.pointee = 0
                return 0
            }
            read?.pointee = taken
            return 1
        }
        _ = BIO_meth_set_ctrl(method) { bio, command, _, _ in
            // OpenSSL asks often (flush after each record, kernel TLS support): answer without
            // looking the connection up unless the answer depends on it.
            switch command {
            case BIO_CTRL_FLUSH:
                return 1
            case BIO_CTRL_PENDING, BIO_CTRL_WPENDING:
                guard let bio, let connection = BIO_get_data(bio) else { return 0 }
                return ConnectionBIO.with(connection) { command == BIO_CTRL_PENDING ? $0.inboundCount : $0.outbound.readableBytes }
            default:
                return 0
            }
        }
        _ = BIO_meth_set_create(method) { bio in
            BIO_set_init(bio, 1)
            return 1
        }
        return method
    }()

    /// A BIO for `connection` (unretained: the connection owns the `SSL` that owns the BIO).
    static func make(for connection: TLSConnection) -> OpaquePointer? {
        guard let bio = BIO_new(method) else { return nil }
        BIO_set_data(bio, Unmanaged.passUnretained(connection).toOpaque())
        return bio
    }

    /// Runs `body` with the connection behind a BIO's data, without retaining it (the
    /// connection is inside one of its own OpenSSL calls, so it is alive).
    private static func with<Result>(_ data: UnsafeMutableRawPointer, _ body: (TLSConnection) -> Result) -> Result {
        Unmanaged<TLSConnection>.fromOpaque(data)._withUnsafeGuaranteedRef(body)
    }
}
