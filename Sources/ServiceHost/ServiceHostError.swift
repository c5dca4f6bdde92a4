/// Why a service process could not start or keep running.
package struct ServiceHostError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case configuration
            case registry
            case startup
        }

        private let value: Value

        /// A setting, file or argument is wrong.
        package static let configuration = Code(value: .configuration)
        /// The registry refused or could not be reached.
        package static let registry = Code(value: .registry)
        /// The service could not start (bind, storage, keys).
        package static let startup = Code(value: .startup)

        package var description: String { value.rawValue }
    }

    /// The kind.
    package var code: Code
    /// For people.
    package var message: String

    /// An error of `code`.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}
