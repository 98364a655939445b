import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// The real binary in a real terminal: a detached tmux session driven by send-keys and read by capture-pane.
public final class TmuxSession: @unchecked Sendable {
    public let name: String

    public init(command: String, width: Int = 80, height: Int = 24) async throws {
        name = "sbtest-\(UUID().uuidString.prefix(8))"
        // The tmux server outlives this call: it must not inherit a pipe we wait on.
        try await Self.tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command], capture: false)
    }

    /// Runs tmux with posix_spawn and waitpid: Foundation's Process sometimes never reaps the tmux client that
    /// forks the server, and a test would wait forever.
    @discardableResult
    static func tmux(_ args: [String], capture: Bool = true) async throws -> String {
        try await withCheckedThrowingContinuation { c in
            Thread { c.resume(with: Result { try spawn(["tmux"] + args, capture: capture) }) }.start()
        }
    }

    /// tmux with `Spawn` (the server lives on: it must not keep this process's loopback sockets open).
    static func spawn(_ argv: [String], capture: Bool) throws -> String {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        let pid: pid_t
        do {
            pid = try Spawn.start(argv, environment: ProcessInfo.processInfo.environment, stdin: nil,
                                  stdout: capture ? fds[1] : nil, stderr: nil)
        } catch {
            close(fds[0]); close(fds[1])
            throw error
        }
        close(fds[1])
        let output = Spawned.readAll(fds[0])
        _ = Spawn.wait(pid)
        return String(decoding: output, as: UTF8.self)
    }

    public func send(_ keys: String...) async throws { try await Self.tmux(["send-keys", "-t", name] + keys) }

    /// Resizes the window as a person dragging the terminal would (the program gets SIGWINCH); no key is sent.
    public func resize(width: Int, height: Int) async throws {
        try await Self.tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    public func capture() async throws -> String { try await Self.tmux(["capture-pane", "-p", "-t", name]) }

    /// Waits until the screen contains `text`; returns the screen. Throws with the last screen on timeout.
    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(15)) async throws -> String {
        var screen = ""
        if try await waitUntil(timeout: timeout, { screen = try await capture(); return screen.contains(text) }) { return screen }
        throw TimeoutError(text: text, screen: screen)
    }

    public struct TimeoutError: Error, CustomStringConvertible {
        public var text: String
        public var screen: String
        public var description: String { "`\(text)` did not appear; the screen was:\n\(screen)" }
    }

    /// Runs `body` against a new session, and waits for the session to be killed afterwards whatever happened.
    @discardableResult
    public static func run<T>(command: String, width: Int = 80, height: Int = 24,
                              _ body: (TmuxSession) async throws -> T) async throws -> T {
        try await withTearDown(TmuxSession(command: command, width: width, height: height), tearDown: { await $0.kill() }, body)
    }

    public func kill() async { _ = try? await Self.tmux(["kill-session", "-t", name]) }

    public static var available: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
