/// `google.protobuf.FieldMask` paths between their proto form (`patient.birth_date`) and their
/// JSON form (`patient.birthDate`), refusing paths that would not survive the round trip.
enum FieldMaskPath {
    /// snake_case to lowerCamelCase; nil for upper-case letters, or `_` not followed by a
    /// lower-case letter (`foo_3_bar`, `foo__bar`, trailing `_`), which JSON could not restore.
    static func toJSON(_ path: String) -> String? {
        var result = String.UnicodeScalarView()
        var afterUnderscore = false
        for scalar in path.unicodeScalars {
            if isUpper(scalar) { return nil }
            if afterUnderscore {
                guard isLower(scalar) else { return nil }
                // Force-unwrap: an ASCII letter minus 0x20 is an ASCII letter.
                result.append(Unicode.Scalar(scalar.value - 0x20)!)
                afterUnderscore = false
            } else if scalar == "_" {
                afterUnderscore = true
            } else {
                result.append(scalar)
            }
        }
        return afterUnderscore ? nil : String(result)
    }

    /// lowerCamelCase to snake_case; nil when the JSON path already contains `_`.
    static func fromJSON(_ path: String) -> String? {
        var result = String.UnicodeScalarView()
        for scalar in path.unicodeScalars {
            if scalar == "_" { return nil }
            if isUpper(scalar) {
                result.append("_")
                // Force-unwrap: an ASCII letter plus 0x20 is an ASCII letter.
                result.append(Unicode.Scalar(scalar.value + 0x20)!)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func isUpper(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    private static func isLower(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
}
