import Foundation

/// Case- and accent-insensitive keys for comparing and sorting names ("Émile" and "emile"
/// have the same key). Used for the order of listings and for name-prefix search.
enum SearchKey {
    /// `text` folded (case, diacritics, width), with runs of whitespace and punctuation between
    /// words collapsed to one space and the ends trimmed.
    static func fold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return words(folded).joined(separator: " ")
    }

    /// The words of `text`: maximal runs of letters and digits.
    static func words(_ text: String) -> [String] {
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
