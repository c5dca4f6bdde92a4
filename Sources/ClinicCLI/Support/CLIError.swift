/// A failure the `clinic` command reports to the user and exits on (status 1).
struct CLIError: Error, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
