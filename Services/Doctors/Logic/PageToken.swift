import Foundation
import ProtoRuntime
import RPCCore

/// Opaque page tokens: where the next page starts (keyset values), plus the request's filters,
/// so that a token used with other filters is refused (`invalid_argument` on `page_token`).
struct PageToken: Codable, Sendable, Equatable {
    /// The filters of the request that made the token, as one string.
    var filter: String
    /// The last row's sort key parts and id.
    var keys: [String]

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
        return token
    }
}
