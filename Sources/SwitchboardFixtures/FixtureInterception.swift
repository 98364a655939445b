import Foundation

/// What a `FixtureMisbehaviour` does with a request: let the server answer, answer in its place, or never answer.
public enum FixtureInterception: Sendable {
    case normal
    case respond(FixtureResponse)
    /// No answer at all (the connection stays open until the test's server gives up).
    case drop
}
