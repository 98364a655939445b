import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// A program driven a line at a time: the test writes a line to its stdin and waits for the next line it
/// prints (the Python MCP client in front of a bridge, or a bridge itself). stderr is kept apart, for
/// failure messages. Blocking reads happen on threads of its own; waits are woken by output, never by a timer.
public final class LineChild: @unchecked Sendable {
    public let pid: pid_t
    private let stdinFD: Int32
    private let lock = NSCondition()
    private var lines: [String] = []
    private var partial = Data()
    private var errors = Data()
    private var ended = false
    /// A caller waiting for the next line (at most one at a time).
    private var waiter: (ticket: UUID, continuation: CheckedContinuation<String?, Never>, timer: Task<Void, Never>?)?

    public init(command: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], error: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&error) == 0 else { throw POSIXError(.EMFILE) }
        for fd in [input[1], output[0], error[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        pid = try Spawn.start(command, environment: environment, stdin: input[0], stdout: output[1], stderr: error[1])
        close(input[0]); close(output[1]); close(error[1])
        stdinFD = input[1]
        let (out, err) = (output[0], error[0])
        Self.pump(out) { [self] chunk in
            lock.lock()
            partial.append(contentsOf: chunk)
            while let newline = partial.firstIndex(of: 0x0A) {
                lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
                partial = Data(partial[partial.index(after: newline)...])
            }
            var handed: (CheckedContinuation<String?, Never>, String)?
            if let w = waiter, !lines.isEmpty {
                waiter = nil
                w.timer?.cancel()
                handed = (w.continuation, lines.removeFirst())
            }
            lock.unlock()
            if let (continuation, line) = handed { continuation.resume(returning: line) }
        } ended: { [self] in
            lock.lock()
            ended = true
            let waiting = waiter?.continuation
            waiter?.timer?.cancel()
            waiter = nil
            lock.unlock()
            waiting?.resume(returning: nil)
        }
        Self.pump(err) { [self] chunk in
            lock.lock()
            errors.append(contentsOf: chunk)
            lock.unlock()
        } ended: {}
    }

    /// Reads `fd` to its end on a thread of its own, handing each chunk over; closes it at the end.
    private static func pump(_ fd: Int32, _ chunk: @escaping @Sendable (ArraySlice<UInt8>) -> Void, ended: @escaping @Sendable () -> Void) {
        Thread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                chunk(buffer[0..<n])
            }
            ended()
            close(fd)
        }.start()
    }

    /// Writes one line (a newline is added).
    public func send(_ line: String) {
        let data = Array((line + "\n").utf8)
        var offset = 0
        while offset < data.count {
            let n = data[offset...].withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Writes raw bytes (no newline added).
    public func sendRaw(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(stdinFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Closes the child's stdin (EOF).
    public func closeInput() { close(stdinFD) }

    /// The next line the child prints, or nil when its output ends or `timeout` passes first. The reader
    /// thread hands the line over itself (no thread per call: the benchmark times calls through this).
    public func nextLine(timeout: TimeInterval = 60) async -> String? {
        let ticket = UUID()
        return await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            lock.lock()
            if !lines.isEmpty {
                let line = lines.removeFirst()
                lock.unlock()
                continuation.resume(returning: line)
                return
            }
            if ended {
                lock.unlock()
                continuation.resume(returning: nil)
                return
            }
            let timer = Task { [self] in
                try? await Task.sleep(for: .seconds(timeout))
                if Task.isCancelled { return }
                giveUp(ticket)
            }
            waiter = (ticket, continuation, timer)
            lock.unlock()
        }
    }

    /// A wait that timed out ends with nil, unless a line reached it first.
    private func giveUp(_ ticket: UUID) {
        lock.lock()
        let timedOut = waiter?.ticket == ticket ? waiter?.continuation : nil
        if timedOut != nil { waiter = nil }
        lock.unlock()
        timedOut?.resume(returning: nil)
    }

    /// The next line as a JSON object.
    public func nextObject(timeout: TimeInterval = 60) async -> [String: Any]? {
        guard let line = await nextLine(timeout: timeout) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }

    /// Sends a command line and returns the answer line as JSON.
    public func ask(_ command: String, timeout: TimeInterval = 60) async -> [String: Any]? {
        send(command)
        return await nextObject(timeout: timeout)
    }

    /// What the child wrote on stderr so far.
    public var standardError: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: errors, as: UTF8.self)
    }

    public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }

    /// Waits for the child to exit; returns its exit status (or 128 + the signal).
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread { [pid] in
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                continuation.resume(returning: code)
            }.start()
        }
    }
}
