import Foundation
import ProtoRuntime
import RPCCore

/// Opaque page tokens: the position after the last item of a page plus a fingerprint of the
/// request's other fields, so a token replayed with other filters is refused (`invalid_argument`
/// on `page_token`) instead of silently skipping or repeating items.
///
/// Tokens are not secrets and not signed: a forged position only moves the caller within data
/// they may already list.
struct PageToken<Position: Codable & Sendable>: Codable, Sendable {
    var position: Position
    var fingerprint: UInt64

    /// The token text for `position` with a precomputed `fingerprint`.
    static func encode(_ position: Position, fingerprint: UInt64) -> String {
        let token = PageToken(position: position, fingerprint: fingerprint)
        // Encoding plain values cannot fail.
        let data = (try? JSONEncoder().encode(token)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The position in `text` (nil for an empty token), checked against `fingerprint`.
    static func decode(_ text: String, fingerprint: UInt64) throws(RPCError) -> Position? {
        guard !text.isEmpty else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let token = try? JSONDecoder().decode(PageToken.self, from: data) else {
            throw RequestCheck.invalid("page_token", "is not a token from a previous page")
        }
        guard token.fingerprint == fingerprint else {
            throw RequestCheck.invalid("page_token", "was made for other request fields; keep them the same between pages")
        }
        return token.position
    }
}

/// A stable fingerprint of a request's fields (FNV-1a over its encoding): callers clear the page
/// size and token first, so only the filters count.
enum PageFingerprint {
    /// The fingerprint of `request` once `clear` reset its page fields (size and token).
    static func of<Request: ProtoMessage>(_ request: Request, clearing clear: (inout Request) -> Void) -> UInt64 {
        var copy = request
        clear(&copy)
        return of(copy)
    }

    /// The fingerprint of `request` as given.
    static func of(_ request: some ProtoMessage) -> UInt64 {
        let bytes = (try? request.serializedBytes()) ?? []
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// One page cut from the rows a query fetched — up to `size + 1`, the extra one only telling that
/// another page follows: the items to return and the token of the next page (empty on the last).
struct Page<Item> {
    /// At most `size` items.
    let items: [Item]
    /// The next page's token, or empty.
    let nextToken: String

    /// The page of `fetched` with `size` items, its token naming `position` of the last one.
    init<Position: Codable & Sendable>(
        _ fetched: [Item], size: Int, fingerprint: UInt64, position: (Item) -> Position
    ) {
        items = Array(fetched.prefix(size))
        if fetched.count > size, let last = items.last {
            nextToken = PageToken.encode(position(last), fingerprint: fingerprint)
        } else {
            nextToken = ""
        }
    }
}
