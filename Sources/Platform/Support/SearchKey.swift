import Foundation

/// Case- and accent-insensitive keys for comparing and sorting free text ("Clinique Santé" and
/// "clinique  sante" have the same key). Used for duplicate detection, exact-match filters and
/// the sort order and name-prefix search of listings (clinics, doctors); full-text search has its
/// own folding in SQLite (FTS5 unicode61).
package enum SearchKey {
    /// `text` folded (case, diacritics, width), with runs of whitespace and punctuation between
    /// words collapsed to one space and the ends trimmed.
    package static func fold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return words(folded).joined(separator: " ")
    }

    /// The words of `text`: maximal runs of letters and digits.
    package static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
