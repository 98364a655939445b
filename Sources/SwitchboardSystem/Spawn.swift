import Foundation
import SwitchboardModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting other programs without handing them Switchboard's open files.
///
/// Foundation's `Process` passes every descriptor that lacks close-on-exec to the child, and SwiftNIO
/// opens its sockets without it: a browser started while the loopback listener is open would keep the
/// callback port listening after Switchboard closed it (the next reconnect then finds the port "in use"),
/// and would hold Switchboard's connections. Here the child gets /dev/null on 0–2 and nothing else.
public enum Spawn {
    /// Starts `argv` (looked up on `PATH`) detached, with `environment` less every `SWITCHBOARD_*`
    /// variable (the browser and other helpers have no business with the secret store's key or home);
    /// reaps it in the background. Returns whether it started.
    @discardableResult
    public static func detached(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let pid = try? start(argv, environment: forChildren(environment), stdin: nil, stdout: nil, stderr: nil) else { return false }
        Thread.detachNewThread { _ = wait(pid) }
        return true
    }

    /// Starts `argv`; each standard stream is the given descriptor, or /dev/null. Every other descriptor is
    /// closed in the child.
    public static func start(_ argv: [String], environment: [String: String], stdin: Int32?, stdout: Int32?, stderr: Int32?) throws -> pid_t {
        precondition(!argv.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, fd) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            if let fd {
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        closeInheritedDescriptors(&actions)
        // The child starts with no signal blocked and default dispositions: the spawning thread may block
        // signals (the test runner's do), and a child that inherits that mask never sees SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }

    /// Waits for `pid` to end; its exit code, or 128 + the signal that ended it (as a shell reports it).
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not show.
    nonisolated(unsafe) static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    public static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom, closeFrom(&actions, 3) == 0 { return }
        // Older C libraries: close each open descriptor above 2 by name.
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        for fd in open where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }

    /// `environment` without Switchboard's own variables, except the CA bundle: it is no secret, and a browser
    /// started from here (the built-in headless one) must trust what the engine trusts.
    public static func forChildren(_ environment: [String: String]) -> [String: String] {
        environment.filter { !$0.key.uppercased().hasPrefix("SWITCHBOARD_") || $0.key == "SWITCHBOARD_CA_FILE" }
    }
}
