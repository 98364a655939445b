import Foundation
import SwitchboardCore

/// A response's headers, looked up case-insensitively.
public protocol HTTPHeaderLookup {
    var headers: [(String, String)] { get }
}

extension HTTPHeaderLookup {
    /// All values of a header, case-insensitively.
    public func values(_ name: String) -> [String] {
        headers.filter { $0.0.caseInsensitiveCompare(name) == .orderedSame }.map(\.1)
    }

    public func value(_ name: String) -> String? { values(name).first }
}
