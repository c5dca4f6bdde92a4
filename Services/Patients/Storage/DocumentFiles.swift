#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ClinicTLS
import Foundation
import Platform
import RPCCore
import Synchronization

/// The contents of medical documents, one file per document at
/// `<data>/patients/documents/<clinic>/<document id>` (folders 0700, files 0600).
///
/// Durable before it is visible: an upload is written to a temporary file beside its final name
/// while its SHA-256 is computed, then synced, renamed into place and the folder synced, and only
/// then is its row inserted (with the size and digest). A crash leaves at worst an orphan file no
/// row points to, never a row without its content. Every file operation runs on the storage's
/// blocking-work threads, never on an event loop.
final class DocumentFiles: Sendable {
    /// `<data>/patients/documents`.
    let directory: String
    private let io: BlockingWorkPool

    /// Creates `directory` (0700) if needed, with `threads` threads for file I/O.
    init(directory: String, threads: Int = 2) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.directory = directory
        self.io = BlockingWorkPool(threads: threads)
    }

    /// Stops the I/O threads once running work is done.
    func shutdown() async {
        await io.shutdown()
    }

    /// Starts writing the content of `documentID` of `clinicID` (ids are FORMAT_ID: safe file names).
    func startWriting(clinicID: String, documentID: String) async throws -> DocumentWriter {
        let folder = directory + "/" + clinicID
        let finalPath = folder + "/" + documentID
        let temporaryPath = folder + "/." + documentID + ".upload"
        let descriptor = try await io.run {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw DocumentFiles.failure("cannot create a document file") }
            return descriptor
        }
        return DocumentWriter(descriptor: descriptor, temporaryPath: temporaryPath, finalPath: finalPath, folder: folder, io: io)
    }

    /// Up to `count` bytes of `documentID`'s content from `offset`.
    func read(clinicID: String, documentID: String, offset: Int64, count: Int) async throws -> [UInt8] {
        let path = directory + "/" + clinicID + "/" + documentID
        return try await io.run {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw RPCError(code: .dataLoss, message: "the document's content is missing") }
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let got = buffer.withUnsafeMutableBytes { bytes in
                    pread(descriptor, bytes.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))  // count > 0: base exists.
                }
                if got < 0, errno == EINTR { continue }
                guard got >= 0 else { throw DocumentFiles.failure("cannot read a document file") }
                if got == 0 { break }
                filled += got
            }
            return Array(buffer.prefix(filled))
        }
    }

    /// Removes a document's file (after its row could not be stored).
    func remove(clinicID: String, documentID: String) async {
        let path = directory + "/" + clinicID + "/" + documentID
        _ = try? await io.run { unlink(path) }
    }

    /// An `internal` error for a failed file operation; the path is not said (it names patients' data).
    static func failure(_ what: String) -> RPCError {
        RPCError(code: .internal, message: "\(what) (errno \(errno))")
    }
}

/// One document being written: appends chunks while hashing them, then publishes the file.
/// Used by one upload at a time; its state is behind a mutex so it can cross to the I/O threads.
final class DocumentWriter: Sendable {
    private struct State {
        var descriptor: Int32
        var hasher = SHA256Hasher()
        var written: Int64 = 0
        var isOpen = true
    }

    private let state: Mutex<State>
    private let temporaryPath: String
    private let finalPath: String
    private let folder: String
    private let io: BlockingWorkPool

    fileprivate init(descriptor: Int32, temporaryPath: String, finalPath: String, folder: String, io: BlockingWorkPool) {
        self.state = Mutex(State(descriptor: descriptor))
        self.temporaryPath = temporaryPath
        self.finalPath = finalPath
        self.folder = folder
        self.io = io
    }

    deinit {
        // Abandoned without finish() or abort() (a cancelled upload): the temporary file goes.
        state.withLock { state in
            if state.isOpen {
                close(state.descriptor)
                unlink(temporaryPath)
            }
        }
    }

    /// Appends `bytes`; returns the total written so far.
    func append(_ bytes: [UInt8]) async throws -> Int64 {
        try await io.run { [self] in
            try state.withLock { state in
                var offset = 0
                while offset < bytes.count {
                    let written = bytes.withUnsafeBytes { write(state.descriptor, $0.baseAddress! + offset, bytes.count - offset) }  // non-empty.
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { throw DocumentFiles.failure("cannot write a document file") }
                    offset += written
                }
                state.hasher.update(bytes)
                state.written += Int64(bytes.count)
                return state.written
            }
        }
    }

    /// Syncs the content, moves it to its final name and syncs the folder; returns the size and SHA-256.
    func finish() async throws -> (size: Int64, sha256: [UInt8]) {
        try await io.run { [self] in
            try state.withLock { state in
                guard fsync(state.descriptor) == 0 else { throw DocumentFiles.failure("cannot sync a document file") }
                close(state.descriptor)
                state.isOpen = false
                guard rename(temporaryPath, finalPath) == 0 else {
                    unlink(temporaryPath)
                    throw DocumentFiles.failure("cannot store a document file")
                }
                let directory = open(folder, O_RDONLY | O_CLOEXEC)
                if directory >= 0 {
                    _ = fsync(directory)
                    close(directory)
                }
                return (state.written, state.hasher.finalize())
            }
        }
    }

    /// Drops what was written.
    func abort() async {
        _ = try? await io.run { [self] in
            state.withLock { state in
                guard state.isOpen else { return }
                close(state.descriptor)
                state.isOpen = false
                unlink(temporaryPath)
            }
        }
    }
}
