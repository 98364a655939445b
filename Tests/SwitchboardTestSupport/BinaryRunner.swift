import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `switchboard` binary built next to the test bundle.
public enum BinaryRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The built executable: in the same directory as the test bundle, or `SWITCHBOARD_TEST_BINARY` (CI runs
    /// the interop tests a second time against the installed static release this way).
    public static var binary: URL {
        if let chosen = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_BINARY"], !chosen.isEmpty {
            return URL(fileURLWithPath: chosen)
        }
        return built("switchboard")
    }

    /// The test-only commands (`store-writer`, `refresh-times`), built next to the test bundle; never shipped.
    public static var testBinary: URL { built("switchboard-testbin") }

    static func built(_ name: String) -> URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        for dir in candidates {
            let url = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: ".build/debug/\(name)")
    }

    /// Runs the binary to completion (blocking: call it off the cooperative pool, see `runDetached`).
    @discardableResult
    public static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], binary: URL = binary) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["SWITCHBOARD_ENCRYPT_SECRETS"] = nil
        env["SWITCHBOARD_SECRETS_KEY"] = nil
        for (k, v) in environment { env[k] = v }
        let r = try Spawned.run([binary.path] + arguments, stdin: stdin.map { Data($0.utf8) }, environment: env)
        return Result(status: r.status, stdout: String(decoding: r.stdout, as: UTF8.self), stderr: String(decoding: r.stderr, as: UTF8.self))
    }
}

extension BinaryRunner {
    /// Runs the binary on a dispatch thread, so in-process servers keep the cooperative pool to themselves.
    @discardableResult
    public static func runDetached(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                                   binary: URL = binary) async throws -> Result {
        try await offThePool { try run(arguments, stdin: stdin, environment: environment, binary: binary) }
    }
}

extension BinaryRunner {
    /// Runs `sh -c script` on a dispatch thread; returns its standard output.
    public static func runShellDetached(_ script: String, arguments: [String]) async throws -> String {
        try await offThePool {
            String(decoding: try Spawned.run(["/bin/sh", "-c", script] + arguments, stdin: nil,
                                             environment: ProcessInfo.processInfo.environment).stdout, as: UTF8.self)
        }
    }
}

/// Everything the secret store holds on disk in a home (the snapshot and the journal), as text.
public func storedSecretText(_ home: URL) -> String {
    ["integration-secrets.json", "integration-secrets.journal"]
        .compactMap { try? String(contentsOf: home.appendingPathComponent($0), encoding: .utf8) }
        .joined(separator: "\n")
}

/// A child that gets only the pipes it is given (`Spawn` closes every other descriptor in it): the test
/// process's loopback sockets must not live on in children.
public enum Spawned {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
    }

    /// `run` off the cooperative pool (`offThePool`).
    public static func runDetached(_ argv: [String], stdin: Data? = nil, environment: [String: String]) async throws -> Output {
        try await offThePool { try run(argv, stdin: stdin, environment: environment) }
    }

    /// Runs `argv` to completion, feeding `stdin` and collecting both outputs. Blocks.
    public static func run(_ argv: [String], stdin: Data?, environment: [String: String]) throws -> Output {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw POSIXError(.EMFILE) }
        let pid: pid_t
        do {
            pid = try Spawn.start(argv, environment: environment, stdin: inPipe[0], stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            (inPipe + outPipe + errPipe).forEach { close($0) }
            throw error
        }
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        // Plain threads, not the dispatch pool: these block in read(2) for the child's whole life.
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var out = Data(), err = Data()
        let (outFD, errFD) = (outPipe[0], errPipe[0])
        Thread { out = readAll(outFD); done.signal() }.start()
        Thread { err = readAll(errFD); done.signal() }.start()
        if let stdin {
            stdin.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = write(inPipe[1], raw.baseAddress! + done, raw.count - done)
                    if n <= 0 { if errno == EINTR { continue }; break }
                    done += n
                }
            }
        }
        close(inPipe[1])
        done.wait()
        done.wait()
        return Output(status: Spawn.wait(pid), stdout: out, stderr: err)
    }

    static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        close(fd)
        return data
    }
}
