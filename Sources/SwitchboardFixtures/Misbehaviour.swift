import Foundation

/// A `FixtureMisbehaviour` held in `FixtureOptions`: options stay equatable (by the misbehaviour's name).
public struct Misbehaviour: Sendable, Equatable {
    public let value: any FixtureMisbehaviour

    public init(_ value: any FixtureMisbehaviour) { self.value = value }

    public static func == (a: Misbehaviour, b: Misbehaviour) -> Bool { a.value.name == b.value.name }
}
