import Canvas
import Foundation
import Synchronization

/// A terminal for the screen loop in tests: keys typed here are read by the loop as ncurses keys would be,
/// and every frame drawn is kept.
public final class FakeTerminal: Terminal, Sendable {
    private let keys = Mutex<[Key]>([])
    private let drawn = Mutex<[CellBuffer]>([])
    public let size: (width: Int, height: Int)

    public init(width: Int = 100, height: Int = 30) { size = (width, height) }

    public func draw(_ buffer: CellBuffer) { drawn.withLock { $0.append(buffer) } }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        keys.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    public func restore() {}

    /// Queues keys; the caller then tells the loop they are waiting (`inbox.keysReady()`).
    public func queue(_ typed: [Key]) { keys.withLock { $0 += typed } }

    public var frames: [CellBuffer] { drawn.withLock { $0 } }
    public var lastFrame: String { drawn.withLock { $0.last?.text ?? "" } }
}

extension Array where Element == Key {
    /// The characters of `text` as key presses.
    public static func typing(_ text: String) -> [Key] { text.map { .char($0) } }
}
