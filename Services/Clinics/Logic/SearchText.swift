import Foundation
import Platform
import RPCCore

/// Turns what a user typed into a safe FTS5 query: every word becomes a quoted prefix term
/// (`"clin"*`), all of them required. FTS5 operators in the input (`OR`, `NEAR`, `-`, `:`,
/// quotes, parentheses) are never interpreted, so no input can break the query.
enum SearchText {
    /// At most this many words are searched.
    static let maxWords = 12

    /// The FTS5 expression for `query`, or `invalid_argument` on `field` when it has no word.
    static func match(_ query: String, field: String) throws(RPCError) -> String {
        // Words as FTS5's unicode61 tokenizer sees them: runs of letters and digits.
        let words = SearchKey.words(query).prefix(maxWords)
        guard !words.isEmpty else { throw ClinicRules.invalid(field, "must contain a letter or a digit") }
        return words.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"*" }.joined(separator: " ")
    }
}
