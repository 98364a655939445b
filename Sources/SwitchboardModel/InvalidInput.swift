import Foundation

/// Input a person gave that Switchboard cannot use; the message says what to do instead.
public struct InvalidInput: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
