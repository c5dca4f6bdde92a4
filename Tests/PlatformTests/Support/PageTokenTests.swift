import ClinicAPI
import ClinicTLS
@testable import Platform
import RPCCore
import Testing

@Suite("Page tokens: opaque, bound to their filters, validated")
struct PageTokenTests {
    struct Cursor: Codable, Sendable, Equatable {
        var key: String
        var id: Int
    }

    static func code(_ body: () throws -> Void) -> (RPCError.Code, String)? {
        do {
            try body()
            return nil
        } catch let error as RPCError {
            return (error.code, error.message)
        } catch {
            return (.unknown, "\(error)")
        }
    }

    @Test("a token gives its cursor back for the same scope; empty means the first page")
    func roundTrip() throws {
        let scope = PageScope("list|cardiology")
        let token = PageToken.encode(Cursor(key: "dupont", id: 42), scope: scope)
        #expect(try PageToken<Cursor>.decode(token, scope: scope) == Cursor(key: "dupont", id: 42))
        #expect(try PageToken<Cursor>.decode("", scope: scope) == nil)
        // Request scopes: equal filters, equal scope, whatever the page fields say.
        var request = Clinic_Auth_V1_ListAccountsRequest()
        request.clinicId = "clinic_a"
        request.pageSize = 5
        var next = request
        next.pageToken = token
        next.pageSize = 7
        let clear: (inout Clinic_Auth_V1_ListAccountsRequest) -> Void = { $0.pageSize = 0; $0.pageToken = "" }
        #expect(PageScope(request, clearing: clear) == PageScope(next, clearing: clear))
        next.clinicId = "clinic_b"
        #expect(PageScope(request, clearing: clear) != PageScope(next, clearing: clear))
    }

    @Test("other filters, garbage, truncation and any altered byte are invalid_argument on page_token")
    func refusals() throws {
        let scope = PageScope("list|cardiology")
        let token = PageToken.encode(Cursor(key: "dupont", id: 42), scope: scope)
        let other = Self.code { _ = try PageToken<Cursor>.decode(token, scope: PageScope("list|dermatology")) }
        #expect(other?.0 == .invalidArgument && other?.1.hasPrefix("page_token: was made for other") == true)
        let bytes = try #require(Base64URL.decode(token))
        var candidates = ["garbage!", "AAAA", String(token.dropLast(3)), token + "A"]
        for index in bytes.indices {
            var altered = bytes
            altered[index] ^= 0x01
            candidates.append(Base64URL.encode(altered))
        }
        for candidate in candidates {
            let refused = Self.code { _ = try PageToken<Cursor>.decode(candidate, scope: scope) }
            #expect(refused?.0 == .invalidArgument && refused?.1.hasPrefix("page_token:") == true, "\(candidate)")
        }
        // Another field name for services whose token field is named differently.
        let named = Self.code { _ = try PageToken<Cursor>.decode("garbage!", scope: scope, field: "cursor") }
        #expect(named?.1.hasPrefix("cursor:") == true)
    }

    @Test("a page holds `size` items and a token only when more follow")
    func pages() throws {
        let scope = PageScope("numbers")
        let full = Page(Array(1...4), size: 3, scope: scope) { $0 }
        #expect(full.items == [1, 2, 3])
        #expect(try PageToken<Int>.decode(full.nextToken, scope: scope) == 3)
        let last = Page(Array(1...3), size: 3, scope: scope) { $0 }
        #expect(last.items == [1, 2, 3] && last.nextToken.isEmpty)
    }
}
