import Foundation

/// A JSON file Switchboard cannot use, with where and what is wrong.
public struct JSONFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var detail: String

    public var description: String {
        if let line, let column { return "\(file): line \(line), column \(column): \(detail)" }
        return "\(file): \(detail)"
    }
}
