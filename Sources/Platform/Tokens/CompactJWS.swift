import ClinicTLS
import Foundation

/// The compact serialization of a signed JWT: `base64url(header).base64url(claims).base64url(signature)`.
///
/// Parsing is strict and bounded: at most `maxLength` bytes, exactly three canonical base64url
/// parts, JSON objects for header and claims. The signature covers the ASCII text of the first
/// two parts, exactly as received.
struct CompactJWS {
    /// Longer tokens are refused before any decoding.
    static let maxLength = 8 * 1024

    var header: JWTHeader
    var headerBytes: [UInt8]
    var payloadBytes: [UInt8]
    var signature: [UInt8]
    /// `header.payload`, the bytes the signature covers.
    var signingInput: [UInt8]

    /// Splits and decodes `token`; `malformed` for anything that is not a compact JWS.
    init(parsing token: String) throws(TokenError) {
        guard !token.isEmpty, token.utf8.count <= Self.maxLength else {
            throw TokenError(.malformed, "token is empty or longer than \(Self.maxLength) bytes")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw TokenError(.malformed, "token must have three dot-separated parts") }
        let (headerPart, payloadPart, signaturePart) = (parts[0], parts[1], parts[2])
        guard let headerBytes = Base64URL.decode(headerPart), let payloadBytes = Base64URL.decode(payloadPart),
            let signature = Base64URL.decode(signaturePart)
        else {
            throw TokenError(.malformed, "token parts must be unpadded base64url")
        }
        let header: JWTHeader
        do {
            header = try JSONDecoder().decode(JWTHeader.self, from: Data(headerBytes))
        } catch {
            throw TokenError(.malformed, "token header is not a JSON object with a string alg")
        }
        self.header = header
        self.headerBytes = headerBytes
        self.payloadBytes = payloadBytes
        self.signature = signature
        self.signingInput = Array(headerPart.utf8) + [UInt8(ascii: ".")] + Array(payloadPart.utf8)
    }

    /// Serializes and signs `claims` under `header` with `sign`.
    static func encode(
        header: JWTHeader, claims: some Encodable, sign: ([UInt8]) throws -> [UInt8]
    ) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerText = Base64URL.encode(Array(try encoder.encode(header)))
        let payloadText = Base64URL.encode(Array(try encoder.encode(claims)))
        let signingInput = headerText + "." + payloadText
        let signature = try sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }
}
