import Foundation
import Testing

/// Issue #24, "Facts, not prose": the engine names remedies as values (`Remedy`), and each surface says them
/// its own way. No string literal in the engine's sources may spell a command line or a key: that is the
/// renderers' work (the command line, `KeyMap.say`), and a literal one would be right on one surface only.
@Suite struct EngineMessagesNameNoCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The targets that render (and may spell commands and keys), and those that are no engine.
    static let renderers: Set<String> = ["switchboard", "SwitchboardApp", "Canvas", "NcursesTerminal",
                                         "SwitchboardFixtures", "SwitchboardFuzzing", "switchboard-bench"]
    /// The one file of the engine's targets that spells remedies as command lines: the terminal's renderer.
    static let commandLineRenderer = "Remedy+CommandLine.swift"

    static var forbidden: [(String, Regex<AnyRegexOutput>)] { [
        ("a command line", try! Regex("`switchboard ")),
        ("a command line", try! Regex(#"\bswitchboard (connect|reconnect|set-client|add|remove|doctor|list|secrets|export|import|check|status|show|token|headers|log|bridge|disconnect|refresh|call)\b"#)),
        ("a key", try! Regex("(?i)on the screen")),
        ("a key", try! Regex(#"(?i)\bpress ([A-Za-z?/⏎]|esc|enter|tab|ctrl-[a-z])(?=[\s,.;)]|$)"#)),
    ] }

    /// Every literal in the engine that names a command or a key, as "file: what | text".
    static func offenders(under root: URL) throws -> [String] {
        let sources = root.appendingPathComponent("Sources")
        var found: [String] = []
        for target in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted()
        where !renderers.contains(target) && !target.hasPrefix("C") {
            guard let files = FileManager.default.enumerator(atPath: sources.appendingPathComponent(target).path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") && !file.hasSuffix(commandLineRenderer) {
                let text = try String(contentsOf: sources.appendingPathComponent(target).appendingPathComponent(file), encoding: .utf8)
                for literal in SwiftLiterals.strings(in: text) {
                    if let (what, _) = forbidden.first(where: { literal.contains($0.1) }) {
                        found.append("\(target)/\(file): \(what) | \(literal.prefix(120))")
                    }
                }
            }
        }
        return found
    }

    @Test func noEngineLiteralNamesACommandOrAKey() throws {
        // SWITCHBOARD_SCAN_ROOT points the scan at another checkout (an older commit, to see it fail there).
        let root = ProcessInfo.processInfo.environment["SWITCHBOARD_SCAN_ROOT"].map { URL(fileURLWithPath: $0) } ?? Self.root
        let found = try Self.offenders(under: root)
        #expect(found.isEmpty, "engine messages that spell a command or a key (make them a Remedy):\n\(found.joined(separator: "\n"))")
    }

    /// The scanner finds what it looks for, and skips comments.
    @Test func scannerSeesLiteralsNotComments() {
        let source = #"""
        /// `switchboard connect NAME` in a comment is fine.
        let a = "Run `switchboard reconnect \(name.map { "x" } ?? "y")` now" // and "press r" here too
        let b = """
            multi (on the screen: y)
            """
        """#
        let literals = SwiftLiterals.strings(in: source)
        #expect(literals.contains("Run `switchboard reconnect …` now"))
        #expect(literals.contains("x") && literals.contains("y"))
        #expect(literals.contains { $0.contains("(on the screen: y)") })
        #expect(!literals.contains { $0.contains("press r") || $0.contains("in a comment") })
    }
}
