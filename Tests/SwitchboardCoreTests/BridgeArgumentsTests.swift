import ArgumentParser
import Foundation
@testable import switchboard
import Testing

/// `switchboard bridge`'s arguments are recognised without ArgumentParser (its start, see `BridgeArguments`).
/// ArgumentParser is the oracle: every form the fast reading accepts, ArgumentParser reads the same way; every
/// form it turns away still reaches ArgumentParser, which accepts it or explains the mistake.
@Suite struct BridgeArgumentsTests {
    static let words = ["notion", "figma", "--home", "/tmp/h", "--home=/tmp/x", "--home=", "--sign-in", "-h", "--help",
                        "--", "-x", "", "bridge", "--version", "--signin", "help", "-", "--home=-x", "--home=a=b", "-\u{301}x"]

    /// Every argument vector of up to three words from `words` after `bridge`, and of four from the words that
    /// make valid forms (29,157 in all), read both ways. On a thread of its own: a long synchronous loop on the
    /// test runner's few cooperative threads starves every other test's tasks (a 1-second deadline test then
    /// took 10 s on a loaded 2-core machine).
    @Test func readsEveryFormAsArgumentParserDoes() async {
        let (accepted, disagreements) = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.compareWithArgumentParser()) }.start()
        }
        #expect(accepted > 100)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    static let validWords = ["notion", "figma", "--home", "/tmp/h", "--home=/tmp/x", "--sign-in", "--", "help", "bridge", "-", "--home=a=b", ""]

    static func vectors(of words: [String], upTo length: Int) -> [[String]] {
        var vectors: [[String]] = [[]], all: [[String]] = [[]]
        for _ in 0..<length {
            vectors = vectors.flatMap { v in words.map { v + [$0] } }
            all += vectors
        }
        return all
    }

    static func compareWithArgumentParser() -> (Int, [String]) {
        let all = vectors(of: words, upTo: 3) + vectors(of: validWords, upTo: 4).filter { $0.count == 4 }
        var accepted = 0, disagreements: [String] = []
        for rest in all {
            guard let fast = BridgeArguments(["bridge"] + rest) else { continue }
            accepted += 1
            guard let parsed = try? Switchboard.parseAsRoot(["bridge"] + rest) as? Switchboard.BridgeCommand else {
                disagreements.append("\(rest): accepted here, refused by ArgumentParser")
                continue
            }
            let oracle = BridgeArguments(name: parsed.name, home: parsed.global.home, signIn: parsed.signIn)
            if fast != oracle { disagreements.append("\(rest): \(fast) ≠ \(oracle)") }
        }
        return (accepted, disagreements)
    }

    /// The reading above knows the bridge's arguments as they are today: a new option or argument on the bridge
    /// command (or on `GlobalOptions`) must be taught to `BridgeArguments` too, or it would be read differently.
    @Test func theBridgeCommandTakesOnlyWhatTheFastReadingKnows() {
        let help = Switchboard.helpMessage(for: Switchboard.BridgeCommand.self, columns: 300)
        let section = help.components(separatedBy: "\nARGUMENTS:\n").last ?? ""
        let names = Set(section.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let first = words.first else { return nil }
            return words.prefix(2).map(String.init).joined(separator: " ")
        })
        #expect(names == ["<name> The", "--home <home>", "--sign-in Open", "--version Show", "-h, --help"], "\(names)")
    }

    @Test func theFormsExportWritesAreRecognised() {
        #expect(BridgeArguments(["bridge", "notion"]) == BridgeArguments(name: "notion", home: nil, signIn: false))
        #expect(BridgeArguments(["bridge", "notion", "--home", "/h"]) == BridgeArguments(name: "notion", home: "/h", signIn: false))
        #expect(BridgeArguments(["bridge", "--sign-in", "notion", "--home=/h"]) == BridgeArguments(name: "notion", home: "/h", signIn: true))
        // Left to ArgumentParser: help, a second name, an unknown option, another command.
        #expect(BridgeArguments(["bridge", "notion", "--help"]) == nil)
        #expect(BridgeArguments(["bridge", "a", "b"]) == nil)
        #expect(BridgeArguments(["bridge", "notion", "--verbose"]) == nil)
        #expect(BridgeArguments(["list", "notion"]) == nil)
        #expect(BridgeArguments(["bridge"]) == nil)
    }
}

extension BridgeArguments {
    init(name: String, home: String?, signIn: Bool) {
        self.init(["bridge", name])!
        self.home = home
        self.signIn = signIn
    }
}
