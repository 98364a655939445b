import Foundation

/// The real binary in a real terminal: a detached tmux session driven by send-keys and read by capture-pane.
public final class TmuxSession: @unchecked Sendable {
    public let name: String

    public init(command: String, width: Int = 80, height: Int = 24) async throws {
        name = "sbtest-\(UUID().uuidString.prefix(8))"
        // The tmux server outlives this call: it must not inherit a pipe we wait on.
        try await Self.tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command], capture: false)
    }

    @discardableResult
    static func tmux(_ args: [String], capture: Bool = true) async throws -> String {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                p.arguments = ["tmux"] + args
                let out = Pipe()
                p.standardOutput = capture ? out : FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                p.standardInput = FileHandle.nullDevice
                do {
                    try p.run()
                    let data = capture ? out.fileHandleForReading.readDataToEndOfFile() : Data()
                    p.waitUntilExit()
                    c.resume(returning: String(decoding: data, as: UTF8.self))
                } catch { c.resume(throwing: error) }
            }
        }
    }

    public func send(_ keys: String...) async throws { try await Self.tmux(["send-keys", "-t", name] + keys) }

    public func capture() async throws -> String { try await Self.tmux(["capture-pane", "-p", "-t", name]) }

    /// Waits until the screen contains `text`; returns the screen. Throws with the last screen on timeout.
    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(15)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var screen = ""
        while ContinuousClock.now < deadline {
            screen = try await capture()
            if screen.contains(text) { return screen }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TimeoutError(text: text, screen: screen)
    }

    public struct TimeoutError: Error, CustomStringConvertible {
        public var text: String
        public var screen: String
        public var description: String { "`\(text)` did not appear; the screen was:\n\(screen)" }
    }

    public func kill() async { _ = try? await Self.tmux(["kill-session", "-t", name]) }

    public static var available: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
