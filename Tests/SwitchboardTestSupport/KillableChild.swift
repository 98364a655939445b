import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// The real binary, started with posix_spawn so it can be killed at any moment; its stdout is collected
/// on a thread of its own. Blocking calls here are for test threads off the cooperative pool.
public final class KillableChild: @unchecked Sendable {
    public let pid: pid_t
    private let readEnd: Int32
    private let output = NSCondition()
    private var collected = Data()
    private let done = DispatchSemaphore(value: 0)

    public convenience init(_ arguments: [String], environment: [String: String] = [:], binary: URL = BinaryRunner.binary) throws {
        var env = ProcessInfo.processInfo.environment
        env["SWITCHBOARD_ENCRYPT_SECRETS"] = nil
        for (k, v) in environment { env[k] = v }
        try self.init(command: [binary.path] + arguments, environment: env, mergeStandardError: false)
    }

    /// Any program, with exactly `environment`; its stderr joins stdout when `mergeStandardError`.
    public init(command: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                mergeStandardError: Bool = true) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        let child: pid_t
        do {
            child = try Spawn.start(command, environment: environment, stdin: nil, stdout: fds[1], stderr: mergeStandardError ? fds[1] : nil)
        } catch {
            close(fds[0]); close(fds[1])
            throw error
        }
        close(fds[1])
        pid = child
        readEnd = fds[0]
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n <= 0 { break }
                output.lock()
                collected.append(contentsOf: buffer[0..<n])
                output.broadcast()
                output.unlock()
            }
            output.lock()
            ended = true
            output.broadcast()
            output.unlock()
            close(readEnd)
            done.signal()
        }
        thread.start()
    }

    private var ended = false

    /// Waits until the output so far satisfies `condition` (woken by each read, not by a timer), the output
    /// ends, or `timeout` passes; returns whether it was satisfied.
    @discardableResult
    public func waitForOutput(timeout: TimeInterval = 10, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        output.lock()
        defer { output.unlock() }
        while !condition(String(decoding: collected, as: UTF8.self)) {
            if ended || !output.wait(until: deadline) { return condition(String(decoding: collected, as: UTF8.self)) }
        }
        return true
    }

    /// What the child wrote so far.
    public var stdout: String {
        output.lock()
        defer { output.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Whether the child's output has ended (it exited, or closed its output).
    public var hasExited: Bool { done.wait(timeout: .now()) == .success ? { done.signal(); return true }() : false }

    public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }

    /// Waits for the child to end and its output to be read; returns the wait status.
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        done.wait()
        return status
    }
}
