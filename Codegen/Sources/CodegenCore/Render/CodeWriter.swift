import Foundation

/// Accumulates indented source text.
struct CodeWriter {
    private(set) var text = ""
    private var indentation = ""

    /// Appends one line at the current indentation (an empty string gives a blank line).
    mutating func line(_ line: String = "") {
        text += line.isEmpty ? "\n" : indentation + line + "\n"
    }

    /// Appends `header {`, the body one level deeper, then `}` (plus `footer` if any).
    mutating func block<E: Error>(_ header: String, footer: String = "", _ body: (inout CodeWriter) throws(E) -> Void) throws(E) {
        line(header + " {")
        indentation += "    "
        try body(&self)
        indentation.removeLast(4)
        line("}" + footer)
    }

    /// Appends `if condition { then } else { otherwise }`.
    mutating func ifElse(_ condition: String, _ then: (inout CodeWriter) -> Void, else otherwise: (inout CodeWriter) -> Void) {
        line("if \(condition) {")
        indentation += "    "
        then(&self)
        indentation.removeLast(4)
        line("} else {")
        indentation += "    "
        otherwise(&self)
        indentation.removeLast(4)
        line("}")
    }

    /// Appends `header {`, the body at the same level (Swift's `case` style), then `}`.
    mutating func switchBlock<E: Error>(_ header: String, _ body: (inout CodeWriter) throws(E) -> Void) throws(E) {
        line(header + " {")
        try body(&self)
        line("}")
    }

    /// Appends the lines of `other`, each at the current indentation plus its own.
    mutating func append(_ other: CodeWriter) {
        for text in other.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            line(String(text))
        }
    }

    /// Runs `body` one level deeper without a surrounding block (a `case` body).
    mutating func indented<E: Error>(_ body: (inout CodeWriter) throws(E) -> Void) throws(E) {
        indentation += "    "
        try body(&self)
        indentation.removeLast(4)
    }

    /// Appends a `///` doc comment from proto comment text.
    mutating func docComment(_ comment: String?) {
        guard let comment else { return }
        var lines = comment.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix(" ") ? String($0.dropFirst()) : String($0)
        }
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        for text in lines { line(text.isEmpty ? "///" : "/// " + text) }
    }
}
