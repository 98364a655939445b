import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The doctor view: discovery replayed without signing in, one line per finding, scrollable.
public struct DoctorPanel: Equatable, Sendable {
    public var name: String
    public var lines: [String]?
    public var scroll = 0

    public init(name: String, lines: [String]? = nil) {
        self.name = name
        self.lines = lines
    }
}

extension DoctorPanel {
    /// The panel's frame at a screen size: under the header, over the footer.
    public static func frame(width: Int, height: Int) -> Rect {
        let w = min(width, 100)
        return Rect(x: (width - w) / 2, y: 1, width: w, height: max(4, height - 2))
    }

    /// Report rows that fit inside the frame.
    public static func visibleLines(height: Int) -> Int { frame(width: 80, height: height).height - 3 }

    /// The report cut to the frame's inner width, keeping its indentation; long lines continue indented.
    public func displayLines(width: Int) -> [String] {
        guard let lines, width > 12 else { return [] }
        var out: [String] = []
        for line in lines.flatMap({ $0.split(separator: "\n", omittingEmptySubsequences: false) }) {
            var rest = Substring(line)
            var first = true
            repeat {
                let room = first ? width : width - 8
                var cut = rest.prefix(room)
                // Break after the last space that leaves a reasonable line, else mid-word (long URLs).
                if cut.count < rest.count, let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > room / 2 {
                    cut = rest[rest.startIndex...space]
                }
                out.append((first ? "" : String(repeating: " ", count: 8)) + String(cut))
                rest = rest[cut.endIndex...]
                first = false
            } while !rest.isEmpty
        }
        return out
    }
}
