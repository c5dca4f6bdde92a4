import ClinicTLS
import Foundation
package import ProtoRuntime
package import RPCCore

/// What a page token is bound to: the fields of the request that made it other than the page
/// size and token, so a token replayed with other filters is refused instead of silently
/// skipping or repeating items.
package struct PageScope: Sendable, Hashable {
    /// The first 8 bytes of SHA-256 over the scope's description.
    fileprivate let tag: [UInt8]

    /// A scope described by `text` (a service's own rendering of its filters).
    package init(_ text: String) {
        tag = Array(Digest.sha256(Array("clinic.page-scope\u{0}".utf8) + Array(text.utf8)).prefix(8))
    }

    /// The scope of `request` once `clear` has reset its page fields (size and token): its
    /// encoding is deterministic, so equal filters give equal scopes.
    package init<Request: ProtoMessage>(_ request: Request, clearing clear: (inout Request) -> Void) {
        var copy = request
        clear(&copy)
        // Encoding a message that decoded (or was built in memory) does not fail.
        let bytes = (try? copy.serializedBytes()) ?? []
        tag = Array(Digest.sha256(Array("clinic.page-scope\u{0}\(Request.self)\u{0}".utf8) + bytes).prefix(8))
    }
}

/// Opaque page tokens, one format for every service: a cursor (the position after the last item
/// of a page, any `Codable` value) bound to a `PageScope`, as unpadded base64url of
///
///     version (1 byte, 1) | scope tag (8 bytes) | check (8 bytes) | cursor as JSON
///
/// where the check is the first 8 bytes of SHA-256 over the scope tag and the JSON. A token that
/// is not base64url, truncated, altered or made for other filters is `invalid_argument` on
/// `page_token`. Tokens are validated, not signed (services share no secret): they are not
/// secrets, and a forged position only moves the caller within data they may list anyway, since
/// handlers bind cursor values as plain SQL parameters.
package enum PageToken<Cursor: Codable & Sendable> {
    private static var version: UInt8 { 1 }

    /// The token text for `cursor` in `scope`.
    package static func encode(_ cursor: Cursor, scope: PageScope) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding plain values (strings, numbers, arrays of them) cannot fail.
        let json = Array((try? encoder.encode(cursor)) ?? Data())
        return Base64URL.encode([version] + scope.tag + check(scope.tag, json) + json)
    }

    /// The cursor in `text` (nil for an empty token: the first page), checked against `scope`.
    package static func decode(_ text: String, scope: PageScope, field: String = "page_token") throws(RPCError) -> Cursor? {
        guard !text.isEmpty else { return nil }
        guard let bytes = Base64URL.decode(text), bytes.count > 17, bytes[0] == version else {
            throw invalid(field, "is not a token from a previous page")
        }
        let tag = Array(bytes[1..<9])
        let json = Array(bytes[17...])
        guard Array(bytes[9..<17]) == check(tag, json) else {
            throw invalid(field, "is not a token from a previous page")
        }
        guard tag == scope.tag else {
            throw invalid(field, "was made for other request fields; keep them the same between pages")
        }
        guard let cursor = try? JSONDecoder().decode(Cursor.self, from: Data(json)) else {
            throw invalid(field, "is not a token from a previous page")
        }
        return cursor
    }

    private static func check(_ tag: [UInt8], _ json: [UInt8]) -> [UInt8] {
        Array(Digest.sha256(Array("clinic.page-token.v1\u{0}".utf8) + tag + json).prefix(8))
    }

    private static func invalid(_ field: String, _ reason: String) -> RPCError {
        RPCError(invalidArgument: ValidationError(fieldPath: field, reason: reason))
    }
}

/// One page cut from the rows a query fetched — up to `size + 1`, the extra one only telling that
/// another page follows: the items to return and the token of the next page (empty on the last).
package struct Page<Item> {
    /// At most `size` items.
    package let items: [Item]
    /// The next page's token, or empty.
    package let nextToken: String

    /// The page of `fetched` with `size` items, its token naming the cursor of the last one.
    package init<Cursor: Codable & Sendable>(
        _ fetched: [Item], size: Int, scope: PageScope, cursor: (Item) -> Cursor
    ) {
        items = Array(fetched.prefix(size))
        if fetched.count > size, let last = items.last {
            nextToken = PageToken<Cursor>.encode(cursor(last), scope: scope)
        } else {
            nextToken = ""
        }
    }
}
