import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Splits bytes into lines (LF, with an optional CR before it), bounded.
public struct LineSplitter: Sendable {
    let limit: Int
    private var pending: [UInt8] = []
    private var overflow = 0

    public init(limit: Int) { self.limit = limit }

    public mutating func feed(_ bytes: some Collection<UInt8>) -> [StdinItem] {
        var out: [StdinItem] = []
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: 0x0A) {
            append(rest[..<newline])
            out.append(contentsOf: emit())
            rest = rest[rest.index(after: newline)...]
        }
        append(rest)
        return out
    }

    /// The last line, when the input ended without a newline.
    public mutating func finish() -> StdinItem? { emit().first }

    private mutating func append(_ bytes: some Collection<UInt8>) {
        if overflow > 0 || pending.count + bytes.count > limit {
            overflow += pending.count + bytes.count
            pending.removeAll()
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    private mutating func emit() -> [StdinItem] {
        defer { pending.removeAll(keepingCapacity: pending.count <= 1 << 16); overflow = 0 }
        if overflow > 0 { return [.tooLong(bytes: overflow)] }
        if pending.last == 0x0D { pending.removeLast() }
        // Blank lines between messages are not messages.
        guard pending.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return [] }
        return [.line(Data(pending))]
    }
}
