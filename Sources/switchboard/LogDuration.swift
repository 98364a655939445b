import ArgumentParser
import Canvas
import Foundation
import SwitchboardCore
import SwitchboardWiring

/// A duration on the command line: a number and a unit (s, m, h, d, w).
struct LogDuration: ExpressibleByArgument {
    let seconds: TimeInterval

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        guard let unit = argument.last.flatMap({ units[$0] }), let n = Double(argument.dropLast()), n >= 0, n.isFinite else { return nil }
        seconds = n * unit
    }

    static var defaultCompletionKind: CompletionKind { .list(["10m", "1h", "1d"]) }
}
