import ClinicTLS
import Foundation
import TestSupport
import NIOCore
import NIOPosix
import Testing

/// Real sockets on 127.0.0.1: an echo server with `TLSHandler`, external and hostile peers.
@Suite("TLS over sockets")
struct TLSSocketTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    private var goodSClient: [String] {
        [
            "-tls1_3", "-cert", pki.platform + "/cli.pem", "-key", pki.platform + "/cli.key",
            "-CAfile", pki.platform + "/ca.pem", "-verify_return_error", "-verify_hostname", "localhost",
            "-alpn", TestPKI.alpn,
        ]
    }

    /// A good client echoes through the server; checked after each bad one.
    private func expectServing(_ server: EchoServer, round: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let line = "ping-\(round)"
        let result = try await runSClient(port: server.port, arguments: goodSClient, line: line, expectEcho: line)
        #expect(result.output.contains(line), "s_client: \(result.errors)", sourceLocation: sourceLocation)
        #expect(result.exitStatus == 0, "s_client: \(result.errors)", sourceLocation: sourceLocation)
    }

    @Test("openssl s_client: TLS 1.3 with the right certificate echoes; bad peers are refused and the server keeps serving")
    func externalPeers() async throws {
        let server = try await EchoServer.start(configuration: pki.server())
        do {
            try await expectServing(server, round: 1)
            #expect(server.log.peers.last??.serviceName == "cli")
            var errorCount = server.log.errors.count

            // A TLS 1.2-only client.
            let old = try await runSClient(
                port: server.port, arguments: goodSClient.map { $0 == "-tls1_3" ? "-tls1_2" : $0 }, line: "old",
                expectEcho: nil
            )
            #expect(old.exitStatus != 0)
            #expect(!old.output.contains("old"))
            errorCount += 1
            #expect(try await server.waitForErrors(errorCount).last?.code == .protocolVersion)
            try await expectServing(server, round: 2)

            // A client certificate from another CA.
            let rogue = try await runSClient(
                port: server.port,
                arguments: ["-tls1_3", "-cert", pki.rogue + "/cli.pem", "-key", pki.rogue + "/cli.key",
                            "-CAfile", pki.platform + "/ca.pem", "-alpn", TestPKI.alpn],
                line: "rogue", expectEcho: "rogue"
            )
            #expect(!rogue.output.contains("rogue"))
            errorCount += 1
            #expect(try await server.waitForErrors(errorCount).last?.code == .unknownCA)
            try await expectServing(server, round: 3)

            // A client that trusts another CA refuses our server.
            let distrustful = try await runSClient(
                port: server.port,
                arguments: ["-tls1_3", "-cert", pki.platform + "/cli.pem", "-key", pki.platform + "/cli.key",
                            "-CAfile", pki.rogue + "/ca.pem", "-verify_return_error", "-alpn", TestPKI.alpn],
                line: "distrust", expectEcho: nil
            )
            #expect(distrustful.exitStatus != 0)
            errorCount += 1
            #expect(try await server.waitForErrors(errorCount).last?.code == .certificateRejected)
            try await expectServing(server, round: 4)

            // A plaintext client.
            let reply = try await rawTCPExchange(port: server.port, bytes: Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
            // The server closed (rawTCPExchange waits for that) without sending anything but an alert.
            #expect(reply.isEmpty || reply.first == 21)
            errorCount += 1
            #expect(try await server.waitForErrors(errorCount).last?.code == .notTLS)
            try await expectServing(server, round: 5)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("our own client over a socket: echo of 1 MiB, identities on both sides")
    func ownClient() async throws {
        let server = try await EchoServer.start(configuration: pki.server())
        do {
            let message = patternBytes(1 << 20, seed: 3)
            let result = try await echoThroughTLS(port: server.port, configuration: pki.client(), message: message)
            #expect(result.echo == message)
            #expect(result.handshake?.peer?.serviceName == "auth")
            #expect(result.handshake?.applicationProtocol == TestPKI.alpn)
            try await waitUntil("the server's handshake") { server.log.handshakes >= 1 }
            #expect(server.log.peers.first??.serviceName == "cli")

            // Rejected client: the error reaches our client as certificateRejected.
            await #expect(throws: TLSError.self) {
                _ = try await echoThroughTLS(port: server.port, configuration: pki.rogueClient(), message: [1, 2, 3])
            }
            #expect(try await server.waitForErrors(1).last?.code == .unknownCA)

            let again = try await echoThroughTLS(port: server.port, configuration: pki.client(), message: [9, 8, 7])
            #expect(again.echo == [9, 8, 7])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("openssl s_server as the external server for our client")
    func externalServer() async throws {
        let port = try await freePort()
        let process = try startSServer(port: port)
        defer { process.terminate() }
        let config = pki.client(expectedPeer: .hostname("localhost"))
        var result: (echo: [UInt8], handshake: TLSHandshakeCompleted?)? = nil
        // s_server needs a moment to listen; retry the connection a bounded number of times.
        for _ in 0..<100 where result == nil {
            result = try? await echoThroughTLS(port: port, configuration: config, message: Array("hello\n".utf8))
            if result == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let echo = try #require(result)
        // s_server -rev answers each line reversed.
        #expect(String(decoding: echo.echo, as: UTF8.self).contains("olleh"))
        #expect(echo.handshake?.peer?.serviceName == "auth")
        #expect(echo.handshake?.applicationProtocol == TestPKI.alpn)
    }

    private func startSServer(port: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-tls1_3", "-rev", "-quiet",
            "-cert", pki.platform + "/auth.pem", "-key", pki.platform + "/auth.key",
            "-CAfile", pki.platform + "/ca.pem", "-Verify", "1", "-verify_return_error", "-alpn", TestPKI.alpn,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ChildProcess.launch(process)
        return process
    }

    /// A port that was free a moment ago (bind to 0, read it, close).
    private func freePort() async throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress?.port ?? 0
            try await channel.close().get()
            try await group.shutdownGracefully()
            return port
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}
