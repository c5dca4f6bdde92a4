import Foundation
import ProtoRuntime
import RPCCore

/// Opaque page tokens: where the next page starts, plus the request's filters, so that a token
/// used with other filters is refused (`invalid_argument` on `page_token`) instead of giving a
/// page of something else.
struct PageToken: Codable, Sendable, Equatable {
    /// The filters of the request that made the token, as one string.
    var filter: String
    /// Keyset position (listings): the last row's sort key and id.
    var key: String?
    var id: String?
    /// Offset position (ranked search).
    var offset: Int?

    /// The token as URL-safe base64 of its JSON.
    var encoded: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes `text` (nil when empty) and checks it was made for `filter`.
    static func decode(_ text: String, filter: String, field: String = "page_token") throws(RPCError) -> PageToken? {
        guard !text.isEmpty else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let token = try? JSONDecoder().decode(PageToken.self, from: data) else {
            throw RPCError(invalidArgument: ValidationError(fieldPath: field, reason: "is not a token this service issued"))
        }
        guard token.filter == filter else {
            throw RPCError(invalidArgument: ValidationError(fieldPath: field, reason: "was issued for other filters"))
        }
        if let offset = token.offset, offset < 0 {
            throw RPCError(invalidArgument: ValidationError(fieldPath: field, reason: "is not a token this service issued"))
        }
        return token
    }
}
