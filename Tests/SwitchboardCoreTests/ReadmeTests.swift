import Foundation
import SwitchboardTestSupport
import Testing

/// The README tells the truth (issue #23, "A README that is true"): every example that shows output is either
/// produced here, by the real binary, or marked as illustrative; and the facts that drift most easily (the
/// options, the commands, the targets, the files in a home) are checked against the binary and the package.
///
/// A fenced block that shows output carries a marker on the line before it:
///
/// - `<!-- example: produced by ReadmeTests.commandExamples -->`: a transcript. Each `$ switchboard …` line is run
///   (an ending `# exit N` is its exit status, else 0) and what follows it, up to the next `$` line, is its
///   output: standard output, then standard error.
/// - `<!-- example: produced by ReadmeTests.commandExamples: switchboard … -->`: the block is that command's
///   output (a `json` block is compared as JSON, so it may be shown on fewer lines).
/// - `<!-- example: excerpt of Screens/NAME.txt -->`: consecutive lines of a golden render (the screen and
///   `switchboard log` goldens are rendered by their own tests); `$` lines are left out of the comparison.
/// - `<!-- illustrative -->` or `<!-- illustrative: why -->`: not checked (it depends on the machine, or it is
///   a diagram or a document you write).
///
/// ```sh blocks hold commands to type and show no output; they need no marker.
///
/// Every produced example runs in order, in one empty home, with `HOME` a fresh temporary directory (so the
/// default home is in it). In the README, `/home/me` stands for that directory, `/usr/local/bin/switchboard` for
/// the binary's path, and `switchboard VERSION` for the version line.
@Suite struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let readmeURL = root.appendingPathComponent("README.md")

    // MARK: - The README's blocks

    struct Block {
        var line: Int            // 1-based line of the opening fence
        var info: String         // the fence's info string (`sh`, `json`, …)
        var lines: [String]      // the contents, without the fence's indentation
        var marker: String?      // the HTML comment just before it, if any
    }

    enum Marker: Equatable {
        case transcript(test: String)
        case output(test: String, command: String)
        case excerpt(file: String)
        case illustrative
    }

    static func readme() throws -> String { try String(contentsOf: readmeURL, encoding: .utf8) }

    static func blocks(_ text: String) -> [Block] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            let trimmed = lines[i].trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("```") else { i += 1; continue }
            let indent = lines[i].prefix { $0 == " " }.count
            var j = i - 1
            while j >= 0, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j -= 1 }
            let before = j >= 0 ? lines[j].trimmingCharacters(in: .whitespaces) : ""
            var block = Block(line: i + 1, info: String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces), lines: [],
                              marker: before.hasPrefix("<!--") && before.hasSuffix("-->") ? before : nil)
            i += 1
            while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces) != "```" {
                let line = lines[i]
                block.lines.append(line.prefix(indent).allSatisfy { $0 == " " } ? String(line.dropFirst(min(indent, line.count))) : line)
                i += 1
            }
            blocks.append(block)
            i += 1
        }
        return blocks
    }

    static func marker(_ comment: String) -> Marker? {
        let body = comment.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
        if body == "illustrative" || body.hasPrefix("illustrative:") { return .illustrative }
        if body.hasPrefix("example: excerpt of ") {
            let file = String(body.dropFirst("example: excerpt of ".count))
            return file.hasPrefix("Screens/") && file.hasSuffix(".txt") ? .excerpt(file: file) : nil
        }
        let produced = "example: produced by ReadmeTests."
        guard body.hasPrefix(produced) else { return nil }
        let rest = body.dropFirst(produced.count)
        if let colon = rest.firstIndex(of: ":") {
            return .output(test: String(rest[..<colon]), command: rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return .transcript(test: String(rest))
    }

    /// Every block that shows output says where it comes from, in a form this suite knows.
    @Test func everyOutputBlockIsMarked() throws {
        let blocks = Self.blocks(try Self.readme())
        #expect(blocks.count > 10, "the README's fenced blocks were not found")
        for block in blocks where block.info != "sh" {
            guard let comment = block.marker else {
                Issue.record("README.md:\(block.line): a block that shows output has no `<!-- example: … -->` or `<!-- illustrative -->` marker")
                continue
            }
            guard let marker = Self.marker(comment) else {
                Issue.record("README.md:\(block.line): unknown marker \(comment)")
                continue
            }
            switch marker {
            case .transcript(let test), .output(let test, _):
                #expect(test == "commandExamples", "README.md:\(block.line): no test ReadmeTests.\(test)")
            case .excerpt, .illustrative: break
            }
        }
        // Commands to type hold no output.
        for block in blocks where block.info == "sh" {
            #expect(block.marker.map { Self.marker($0) == nil } ?? true, "README.md:\(block.line): a sh block is commands, not output")
            for line in block.lines where line.hasPrefix("$ ") {
                Issue.record("README.md:\(block.line): a sh block holds a transcript; mark it `<!-- example: produced by ReadmeTests.commandExamples -->` instead")
            }
        }
    }

    /// Screen and log excerpts are lines of a real render, in order.
    @Test func excerptsAreRealRenders() throws {
        for block in Self.blocks(try Self.readme()) {
            guard let comment = block.marker, case .excerpt(let file)? = Self.marker(comment) else { continue }
            let golden = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
                .components(separatedBy: "\n").map(Self.trimmedEnd)
            let shown = block.lines.filter { !$0.hasPrefix("$ ") }.map(Self.trimmedEnd)
            #expect(!shown.isEmpty, "README.md:\(block.line): an empty excerpt")
            let found = golden.indices.contains { start in
                start + shown.count <= golden.count && Array(golden[start..<(start + shown.count)]) == shown
            }
            #expect(found, "README.md:\(block.line): these lines are not consecutive lines of \(file):\n\(shown.joined(separator: "\n"))")
        }
    }

    // MARK: - Produced examples

    /// A command line as the README writes it: words, with '…' and "…" quoting, and an optional `# exit N`.
    static func parse(_ line: String) -> (words: [String], exit: Int32)? {
        var text = Substring(line.dropFirst(2))
        var exit: Int32 = 0
        if let hash = text.range(of: "# exit ", options: .backwards) {
            guard let code = Int32(text[hash.upperBound...].trimmingCharacters(in: .whitespaces)) else { return nil }
            exit = code
            text = text[..<hash.lowerBound]
        }
        var words: [String] = [], word = "", inWord = false
        var quote: Character?
        for ch in text {
            if let q = quote {
                if ch == q { quote = nil } else { word.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch == " " {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        guard quote == nil, words.first == "switchboard" else { return nil }
        return (Array(words.dropFirst()), exit)
    }

    static func trimmedEnd(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }

    static func normalised(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n").map(trimmedEnd)
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// One empty home for all the produced examples, and the substitutions between the README and a real run.
    struct Session {
        let tmp = TemporaryDirectory("switchboard-readme")
        let version: String

        var home: String { tmp.url.path }

        var environment: [String: String] {
            // An empty variable counts as unset: the default home is $HOME/.config/switchboard, the key file
            // (never made here) $HOME/.local/share/switchboard.
            ["HOME": home, "XDG_CONFIG_HOME": "", "XDG_DATA_HOME": "", "SWITCHBOARD_HOME": "", "SWITCHBOARD_LOG": "",
             "SWITCHBOARD_CLIENT_METADATA_URL": "", "SWITCHBOARD_CA_FILE": "", "TZ": "UTC", "NO_COLOR": "1", "BROWSER": ""]
        }

        func run(_ words: [String]) async throws -> BinaryRunner.Result {
            try await BinaryRunner.runDetached(words.map { $0.replacingOccurrences(of: "/home/me", with: home) }, environment: environment)
        }

        /// What the README shows for a run's output.
        func shown(_ text: String) -> String {
            var text = text
            let binary = BinaryRunner.binary
            for path in Set([binary.resolvingSymlinksInPath().path, binary.standardizedFileURL.path, binary.path]).sorted(by: { $0.count > $1.count }) {
                text = text.replacingOccurrences(of: path, with: "/usr/local/bin/switchboard")
            }
            for path in Set([tmp.url.resolvingSymlinksInPath().path, home]).sorted(by: { $0.count > $1.count }) {
                text = text.replacingOccurrences(of: path, with: "/home/me")
            }
            return text.replacingOccurrences(of: "switchboard \(version)\n", with: "switchboard VERSION\n")
        }
    }

    static func sortedJSON(_ text: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Every produced example, in the README's order, against the real binary.
    @Test func commandExamples() async throws {
        let version = try await BinaryRunner.runDetached(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let session = Session(version: version)
        defer { session.tmp.remove() }
        var ran = 0
        for block in Self.blocks(try Self.readme()) {
            guard let comment = block.marker, let marker = Self.marker(comment) else { continue }
            switch marker {
            case .transcript:
                var i = 0
                while i < block.lines.count {
                    let line = block.lines[i]
                    guard line.hasPrefix("$ "), let (words, exit) = Self.parse(line) else {
                        Issue.record("README.md:\(block.line + 1 + i): expected a `$ switchboard …` line, found: \(line)")
                        break
                    }
                    var expected: [String] = []
                    i += 1
                    while i < block.lines.count, !block.lines[i].hasPrefix("$ ") { expected.append(block.lines[i]); i += 1 }
                    let r = try await session.run(words)
                    ran += 1
                    let shown = Self.normalised(session.shown(r.stdout + r.stderr))
                    #expect(r.status == exit, "README.md:\(block.line): `\(line)` exited \(r.status), the README says \(exit):\n\(shown)")
                    #expect(shown == Self.normalised(expected.joined(separator: "\n")),
                            "README.md:\(block.line): `\(line)` printed\n\(shown)\n--- the README shows\n\(expected.joined(separator: "\n"))")
                }
            case .output(_, let command):
                guard let (words, exit) = Self.parse("$ " + command) else {
                    Issue.record("README.md:\(block.line): the marker's command is not `switchboard …`: \(command)")
                    continue
                }
                let r = try await session.run(words)
                ran += 1
                #expect(r.status == exit, "README.md:\(block.line): `\(command)` exited \(r.status): \(r.stderr)")
                let shown = session.shown(r.stdout + r.stderr), expected = block.lines.joined(separator: "\n")
                if block.info == "json" {
                    let a = Self.sortedJSON(shown), b = Self.sortedJSON(expected)
                    #expect(a != nil && a == b, "README.md:\(block.line): `\(command)` printed\n\(shown)\n--- the README shows\n\(expected)")
                } else {
                    #expect(Self.normalised(shown) == Self.normalised(expected),
                            "README.md:\(block.line): `\(command)` printed\n\(shown)\n--- the README shows\n\(expected)")
                }
            case .excerpt, .illustrative: continue
            }
        }
        #expect(ran >= 10, "only \(ran) produced commands found in the README")
    }
}
