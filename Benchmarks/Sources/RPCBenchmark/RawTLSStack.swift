internal import CRawTLS

/// The floor: plain OpenSSL TLS 1.3 over a loopback socket, a server thread echoing messages of
/// the same encoded size as the RPC stacks' EchoMessage.
final class RawTLSStack: @unchecked Sendable {
    // @unchecked: the pair is used by one benchmark step at a time, never concurrently.
    private let pair: OpaquePointer

    let name = "raw OpenSSL TLS ping-pong"

    init(pki: BenchmarkPKI) throws {
        var error = [CChar](repeating: 0, count: 512)
        guard let pair = rawtls_open(
            pki.file("interop.pem"), pki.file("interop.key"), pki.file("cli.pem"), pki.file("cli.key"),
            pki.file("ca.pem"), &error, error.count)
        else {
            throw BenchmarkError("raw TLS: \(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        self.pair = pair
    }

    var cipher: String { String(cString: rawtls_cipher(pair)) }

    func sequential(messageBytes: Int, count: Int) throws -> [UInt64] {
        var samples = [UInt64](repeating: 0, count: count)
        guard rawtls_sequential(pair, messageBytes, count, &samples) == 0 else {
            throw BenchmarkError("raw TLS: the sequential run failed")
        }
        return samples
    }

    func pipelined(messageBytes: Int, count: Int, depth: Int) throws -> UInt64 {
        var elapsed: UInt64 = 0
        guard rawtls_pipelined(pair, messageBytes, count, depth, &elapsed) == 0 else {
            throw BenchmarkError("raw TLS: the pipelined run failed")
        }
        return elapsed
    }

    func close() {
        rawtls_close(pair)
    }
}
