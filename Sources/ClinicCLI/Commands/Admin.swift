import ArgumentParser
import AuthService
import ClinicAPI
import Foundation
import Platform
import RPCCore

/// `clinic admin`: operator commands on the data folder.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage accounts directly in the data folder.", subcommands: [Create.self])

    /// `clinic admin create --email … --role super-admin`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account (the first super admin).",
            discussion: """
                The password is read from CLINIC_ADMIN_PASSWORD, else from standard input (one line), \
                else asked for on the terminal; never from the command line, where it would show in \
                process lists and shell history.
                """)

        @Option(help: "Login e-mail.")
        var email: String

        @Option(help: "Role: super-admin, clinic-admin, doctor or patient.")
        var role: String = "super-admin"

        @Option(help: "Display name, \"Given Family\".")
        var name = "Platform Admin"

        @Option(name: .customLong("clinic-id"), help: "The clinic of a clinic admin or doctor.")
        var clinicID: String?

        @Option(help: "The data folder.")
        var data = "./data"

        func run() async throws {
            guard let role = Role(rawValue: self.role.replacingOccurrences(of: "-", with: "_")), role != .service else {
                throw ValidationError("--role must be super-admin, clinic-admin, doctor or patient")
            }
            let password = try PasswordInput.read(prompt: "Password for \(email): ")
            let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
            let personName = Clinic_Common_V1_PersonName.with {
                $0.givenName = parts.first ?? ""
                $0.familyName = parts.count > 1 ? parts[1] : ""
            }
            do {
                let account = try await AuthBootstrap.createAccount(
                    dataDirectory: Paths.absolute(data), email: email, password: password, roles: [role], name: personName,
                    clinicID: clinicID)
                Console.out("created: \(account.id) \(account.email) \(self.role)")
            } catch let error as RPCError {
                throw CLIError("\(error.code): \(error.message)")
            }
        }
    }
}

/// Reads a password without it ever being an argument.
enum PasswordInput {
    static func read(prompt: String) throws -> String {
        if let password = ProcessInfo.processInfo.environment["CLINIC_ADMIN_PASSWORD"], !password.isEmpty {
            return password
        }
        if isatty(STDIN_FILENO) != 0 {
            // getpass turns echo off while typing.
            guard let typed = getpass(prompt) else { throw CLIError("no password given") }
            return String(cString: typed)
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIError("no password on standard input (or set CLINIC_ADMIN_PASSWORD)")
        }
        return line
    }
}
