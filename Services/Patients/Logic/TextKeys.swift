import Foundation

/// The normalized forms that comparisons and searches use, so that "Élodie DUPONT" and
/// "elodie dupont" are the same name and "1 85 05-78" the same national id as "18505 78".
enum TextKeys {
    /// Lower case, accents removed, runs of white space as one space, trimmed.
    static func fold(_ text: String) -> String {
        words(text).joined(separator: " ")
    }

    /// The folded words of `text`.
    static func words(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
            .split(whereSeparator: { $0.isWhitespace || $0 == "-" || $0 == "'" || $0 == "," })
            .map(String.init)
    }

    /// The search column of a name: its folded words between spaces (` marie dupont `), so that
    /// `LIKE '% dup%'` finds a word starting with "dup".
    static func searchText(given: String, family: String) -> String {
        " " + (words(given) + words(family)).joined(separator: " ") + " "
    }

    /// A national id as compared: upper case without spaces, dashes or dots.
    static func nationalID(_ value: String) -> String {
        String(value.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." })
    }

    /// An e-mail as compared: trimmed and lower case.
    static func email(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// `text` with LIKE's wildcards escaped (use with `ESCAPE '\'`).
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
