import ArgumentParser

/// `clinic`: runs the platform (`up`), one service (`serve`), and the operator's tools.
@main
struct Clinic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinic",
        abstract: "Run and operate the clinic platform.",
        subcommands: [Up.self, Serve.self, Certs.self, Admin.self, Call.self, Status.self, SeedHistory.self])
}

extension ServiceKind: ExpressibleByArgument {}
