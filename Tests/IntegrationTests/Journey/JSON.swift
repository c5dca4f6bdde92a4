import Foundation

/// A parsed JSON value read by path: `answer.json["clinic"]["id"].string`. A missing key, a
/// wrong type or an index out of range reads as nil (or empty), so a test states what it expects
/// instead of unwrapping every level.
struct JSON: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: wraps JSONSerialization's immutable Foundation values, never mutated.
    let value: Any?

    init(_ value: Any?) { self.value = value }

    subscript(key: String) -> JSON { JSON((value as? [String: Any])?[key]) }

    subscript(index: Int) -> JSON {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSON(nil) }
        return JSON(array[index])
    }

    var string: String? { value as? String }

    /// A JSON number, or a 64-bit integer written as a string (the proto3 mapping).
    var int: Int? {
        if let number = value as? NSNumber, !(value is Bool) { return number.intValue }
        if let text = value as? String { return Int(text) }
        return nil
    }

    var bool: Bool? { value as? Bool }

    /// The elements of an array (empty when this is not one).
    var array: [JSON] { (value as? [Any])?.map(JSON.init) ?? [] }

    var exists: Bool { value != nil && !(value is NSNull) }

    /// An RFC 3339 timestamp (the proto3 mapping of `google.protobuf.Timestamp`).
    var date: Date? {
        guard let text = string else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    var description: String {
        guard let value, JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        else { return String(describing: value ?? "nil") }
        return String(decoding: data, as: UTF8.self)
    }
}
