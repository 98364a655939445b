import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches the terminal and the signals that end the screen, on a thread of its own, and reports to the
/// screen loop: keys are waiting (the loop reads them with ncurses on its side, then says it is done), or the
/// screen must close (SIGINT, SIGTERM, SIGHUP, or a terminal that hung up). It never touches ncurses.
public enum InputWatcher {
    /// Starts watching. `keysReady` is given a callback to call once the keys are read.
    public static func start(keysReady: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void,
                             terminate: @escaping @Sendable () -> Void) {
        installSignalHandlers()
        let consumed = DispatchSemaphore(value: 0)
        let thread = Thread {
            // stdin, and the read end of the pipe the signal handlers write to.
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: signalPipe.read, events: Int16(POLLIN), revents: 0)]
            while true {
                let r = poll(&fds, 2, -1)
                if r < 0 {
                    if errno == EINTR { continue }
                    return terminate()
                }
                // A signal, or a terminal that went away (hang-up), ends the screen; never spin on it. A resize
                // (SIGWINCH) only wakes the loop, which reads the new size at once (before: not until a key came).
                let hangup = Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)
                if fds[0].revents & hangup != 0 { return terminate() }
                if fds[1].revents != 0 {
                    var bytes = [UInt8](repeating: 0, count: 64)
                    let n = read(signalPipe.read, &bytes, bytes.count)
                    let failed = n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)
                    if failed || bytes.prefix(max(0, n)).contains(where: { $0 != resizeByte }) { return terminate() }
                }
                keysReady { consumed.signal() }
                consumed.wait()
            }
        }
        thread.start()
    }

    /// Puts the default signal handlers back.
    public static func restoreSignals() {
        for sig in handledSignals + [SIGWINCH] { signal(sig, SIG_DFL) }
    }

    static let handledSignals = [SIGTERM, SIGINT, SIGHUP]

    /// A handler may only do async-signal-safe work: it writes one byte to the pipe the watcher polls (a
    /// resize its own byte). SIGWINCH is ours, not ncurses': the loop asks the terminal its size itself
    /// (`NcursesTerminal.pendingResize`), since ncurses would only say so on the next key.
    static func installSignalHandlers() {
        _ = signalPipe   // created before any handler can run
        for sig in handledSignals {
            signal(sig) { _ in
                let saved = errno
                var byte: UInt8 = 1
                _ = write(signalPipe.write, &byte, 1)
                errno = saved
            }
        }
        // A literal byte (no global's lazy initialiser runs in the handler), errno kept, and a pipe that never
        // blocks: a full pipe (thousands of resizes while the loop is busy) drops a byte instead of hanging.
        signal(SIGWINCH) { _ in
            let saved = errno
            var byte: UInt8 = 2
            _ = write(signalPipe.write, &byte, 1)
            errno = saved
        }
    }
}

/// The byte a SIGWINCH writes to the pipe; any other byte ends the screen.
let resizeByte: UInt8 = 2

/// The self-pipe between the signal handlers and the watcher thread (created once, never changed).
let signalPipe: (read: Int32, write: Int32) = {
    var fds: [Int32] = [-1, -1]
    _ = pipe(&fds)
    for fd in fds {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    return (fds[0], fds[1])
}()
