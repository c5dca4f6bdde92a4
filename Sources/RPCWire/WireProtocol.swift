/// Constants that name and shape version 1 of the clinic RPC wire protocol (docs/PROTOCOL.md).
package enum WireProtocol {
    /// The ALPN protocol identifier both sides offer during the TLS handshake.
    ///
    /// The version is in the name: an incompatible change (a new frame type that old peers would
    /// reject, a different header) gets a new identifier, and a server that speaks both picks one.
    package static let alpnIdentifier = "clinic-rpc/1"

    /// Size of the fixed frame header: length (4), type (1), flags (1), stream id (4).
    package static let frameHeaderSize = 10
}
