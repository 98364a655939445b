import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What the client wrote on stdin, a line at a time (the stdio transport is newline-delimited JSON-RPC).
public enum StdinItem: Sendable {
    case line(Data)
    /// A line longer than the limit: its bytes were dropped up to the next newline.
    case tooLong(bytes: Int)
}
