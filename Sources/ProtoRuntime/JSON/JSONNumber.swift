/// Exact conversion of JSON number text to the proto numeric types.
///
/// Integers are computed from the decimal digits, never through `Double`, so
/// `"9223372036854775807"` and `1.8446744073709551615e19` keep every digit. A value written with a
/// fraction or exponent is accepted when it is integral (`1e2`, `100.000`), as the mapping allows.
enum JSONNumber {
    /// Why a number could not be converted.
    enum Failure: Error {
        case malformed, notInteger, outOfRange
    }

    /// The exact integer `text` denotes, as sign and magnitude; `text` must already match the
    /// JSON number grammar.
    static func integer(_ text: String) -> Result<(negative: Bool, magnitude: UInt64), Failure> {
        var negative = false
        var digits: [UInt8] = []
        var fractionCount = 0
        var exponent = 0
        var exponentNegative = false
        var part = 0  // 0 integer digits, 1 fraction, 2 exponent
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-") where part == 0 && digits.isEmpty: negative = true
            case UInt8(ascii: "-") where part == 2: exponentNegative = true
            case UInt8(ascii: "+") where part == 2: break
            case UInt8(ascii: "."): part = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): part = 2
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = byte - UInt8(ascii: "0")
                if part == 2 {
                    // Saturate: any exponent beyond a few dozen is out of range (or zero) anyway.
                    exponent = min(exponent * 10 + Int(digit), 1_000_000)
                } else {
                    // Leading zeros do not change the digit string's value; fraction digits
                    // still count towards the scale.
                    if !(digits.isEmpty && digit == 0) { digits.append(digit) }
                    if part == 1 { fractionCount += 1 }
                }
            default: return .failure(.malformed)
            }
        }
        if digits.isEmpty { return .success((negative, 0)) }
        var scale = (exponentNegative ? -exponent : exponent) - fractionCount
        if scale < 0 {
            // The last -scale digits are after the decimal point: they must all be zero.
            guard -scale <= digits.count, digits.suffix(-scale).allSatisfy({ $0 == 0 }) else {
                return .failure(.notInteger)
            }
            digits.removeLast(-scale)
            scale = 0
            if digits.isEmpty { return .success((negative, 0)) }
        }
        guard digits.count + scale <= 20 else { return .failure(.outOfRange) }
        var magnitude: UInt64 = 0
        for digit in digits + [UInt8](repeating: 0, count: scale) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return .failure(.outOfRange) }
            magnitude = sum
        }
        return .success((negative, magnitude))
    }

    /// `text` as a signed integer of `T`'s range.
    static func signed<T: FixedWidthInteger & SignedInteger>(_ text: String, as type: T.Type) -> Result<T, Failure> {
        integer(text).flatMap { negative, magnitude in
            if negative {
                guard magnitude <= UInt64(T.max) + 1 else { return .failure(.outOfRange) }
                return .success(magnitude == UInt64(T.max) + 1 ? T.min : -T(magnitude))
            }
            guard magnitude <= UInt64(T.max) else { return .failure(.outOfRange) }
            return .success(T(magnitude))
        }
    }

    /// `text` as an unsigned integer of `T`'s range (`-0` is zero).
    static func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ text: String, as type: T.Type) -> Result<T, Failure> {
        integer(text).flatMap { negative, magnitude in
            guard !negative || magnitude == 0, magnitude <= UInt64(T.max) else { return .failure(.outOfRange) }
            return .success(T(magnitude))
        }
    }

    /// A finite double; out-of-range text (`1e400`) is a failure, not infinity.
    static func double(_ text: String) -> Result<Double, Failure> {
        guard let value = Double(text) else { return .failure(.malformed) }
        guard value.isFinite else { return .failure(.outOfRange) }
        return .success(value)
    }

    /// A finite float: text whose correctly rounded 32-bit value is finite. That includes text a
    /// little beyond `Float.greatestFiniteMagnitude` that still rounds to it, such as its shortest
    /// form `3.4028235e+38`, which writers (ours included) produce for that value.
    static func float(_ text: String) -> Result<Float, Failure> {
        // Parsed as Float directly: Float(Double(text)) would round twice.
        guard let value = Float(text) else { return .failure(.malformed) }
        guard value.isFinite else { return .failure(.outOfRange) }
        return .success(value)
    }
}
