import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The help's lines as text (for tests and `switchboard help keys`-style listings).
public enum HelpLines {
    public static var all: [String] { HelpView.lines().map(\.text) }
}
