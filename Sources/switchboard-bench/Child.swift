import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// Child processes for the whole-process scenarios: plain pipes, or a pseudo-terminal for the screen.
enum Child {
    /// The `switchboard` binary next to this benchmark (built by `swift build -c release` if missing).
    static func binary() throws -> String {
        if let chosen = ProcessInfo.processInfo.environment["SWITCHBOARD_BENCH_BINARY"], !chosen.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: chosen) else { throw ValidationFailure("--binary \(chosen) is not an executable") }
            return chosen
        }
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let path = dir.appendingPathComponent("switchboard").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        FileHandle.standardError.write(Data("building switchboard (release) for the whole-process scenarios…\n".utf8))
        let config = dir.lastPathComponent.contains("debug") ? "debug" : "release"
        let status = try spawn(["/usr/bin/env", "swift", "build", "-c", config, "--product", "switchboard"], stdio: nil)
        guard status == 0, FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationFailure("could not build \(path); run `swift build -c release --product switchboard` first")
        }
        return path
    }

    struct ValidationFailure: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }

    /// Runs `argv` to completion; `stdio` (if given) becomes its stdin, stdout and stderr. Returns the exit status.
    @discardableResult
    static func spawn(_ argv: [String], stdio: Int32? = -1, env: [String: String] = [:]) throws -> Int32 {
        let pid = try start(argv, stdio: stdio, env: env)
        return Spawn.wait(pid)
    }

    /// `stdio`: nil keeps this process's terminal, a descriptor serves as all three streams, -1 is /dev/null.
    static func start(_ argv: [String], stdio: Int32? = -1, env: [String: String] = [:]) throws -> pid_t {
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        let streams: (Int32?, Int32?, Int32?) = switch stdio {
        case nil: (0, 1, 2)
        case let fd? where fd >= 0: (fd, fd, fd)
        default: (nil, nil, nil)
        }
        do {
            return try Spawn.start(argv, environment: environment, stdin: streams.0, stdout: streams.1, stderr: streams.2)
        } catch {
            throw ValidationFailure("could not start \(argv[0]): \(error)")
        }
    }

    /// A pseudo-terminal of the given size; its output is read on a thread of its own, and kept only until
    /// someone waits for a text in it (the first frame).
    final class Pty: @unchecked Sendable {
        let master: Int32
        let slave: Int32
        private var reader: Thread?
        private let seen = NSCondition()
        private var recent = ""

        init(width: Int, height: Int) throws {
            // posix_openpt and friends are not visible from Swift's Glibc module; these are the Linux ioctls they use.
            let TIOCGPTN: UInt = 0x8004_5430, TIOCSPTLCK: UInt = 0x4004_5431
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
            var unlock: Int32 = 0, number: UInt32 = 0
            guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
                throw ValidationFailure("no pseudo-terminal available")
            }
            slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
            guard slave >= 0 else { throw ValidationFailure("could not open the pty slave") }
            var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
            _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
            let fd = master
            reader = Thread { [seen] in
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let n = read(fd, &buffer, buffer.count)
                    guard n > 0 else { break }
                    seen.lock()
                    self.recent = String((self.recent + String(decoding: buffer[..<n], as: UTF8.self)).suffix(4096))
                    seen.broadcast()
                    seen.unlock()
                }
            }
            reader?.start()
        }

        /// Waits until the terminal has shown `text` (or `timeout` passed); true when it did.
        func waitFor(_ text: String, timeout: TimeInterval = 30) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            seen.lock()
            defer { seen.unlock() }
            while !recent.contains(text) {
                if !seen.wait(until: deadline) { return recent.contains(text) }
            }
            recent = ""
            return true
        }

        func close() {
            Glibc.close(slave)
            Glibc.close(master)
        }
    }

    /// utime + stime of a process, in seconds.
    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state(0) ppid … utime is field 14 overall, index 11 here; stime index 12.
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { return nil }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
