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

    // MARK: - Facts that drift

    /// The names a help text lists under SUBCOMMANDS (`connect, reconnect`, `screen (default)`).
    static func subcommands(_ help: String) -> [String] {
        var names: [String] = []
        var inList = false
        for line in help.components(separatedBy: "\n") {
            if line.hasPrefix("SUBCOMMANDS:") { inList = true; continue }
            guard inList else { continue }
            if !line.hasPrefix("  ") { if !line.isEmpty { inList = false }; continue }
            guard line.dropFirst(2).first?.isLetter == true else { continue }
            let head = line.dropFirst(2).components(separatedBy: "  ")[0].replacingOccurrences(of: " (default)", with: "")
            names += head.components(separatedBy: ", ").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { name in !name.isEmpty && name.allSatisfy { $0.isLowercase || $0 == "-" } }
        }
        return names
    }

    static func longOptions(_ text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "(?<![A-Za-z0-9_-])--[a-z][a-z0-9-]*")
        let ns = text as NSString
        return Set(regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) })
    }

    /// Options the README names that belong to other tools, and where each is defined (nil: Swift's own).
    static let otherTools: [String: (file: String, needle: String)?] = [
        "--uninstall": (".ci/install", "--uninstall"),
        "--build-only": (".ci/install", "--build-only"),
        "--static-swift-stdlib": (".ci/install", "--static-swift-stdlib"),
        "--no-export-dynamic": (".ci/install", "--no-export-dynamic"),
        "--seconds": (".ci/fuzz/run", "--seconds"),
        "--runs": (".ci/fuzz/run", "--runs"),
        "--only": ("Sources/switchboard-bench/Bench.swift", "var only"),
        "--quick": ("Sources/switchboard-bench/Bench.swift", "var quick"),
        "--binary": ("Sources/switchboard-bench/Bench.swift", "var binary"),
        "--public-origin": ("Tests/InteropServers/common.py", "--public-origin"),   // sdk_server.py's, from common.py
        "--filter": nil, "--skip-build": nil,   // swift test
    ]

    /// Every long option the README names is one of some command's (as `switchboard help` lists them), or one of
    /// the other tools' above; and every command `switchboard --help` lists appears in the README.
    @Test func optionsAndCommandsMatchTheBinary() async throws {
        let readme = try Self.readme()
        let top = try await BinaryRunner.runDetached(["--help"])
        let commands = Self.subcommands(top.stdout)
        #expect(commands.count >= 20, "no commands found in `switchboard --help`:\n\(top.stdout)")
        var helps = [top.stdout]
        // The commands' help pages (and their subcommands', e.g. `secrets encrypt`), fetched side by side.
        try await withThrowingTaskGroup(of: [String].self) { group in
            for command in Set(commands) {
                group.addTask {
                    let help = try await BinaryRunner.runDetached(["help", command]).stdout
                    var pages = [help]
                    for sub in Self.subcommands(help) { pages.append(try await BinaryRunner.runDetached(["help", command, sub]).stdout) }
                    return pages
                }
            }
            for try await pages in group { helps += pages }
        }
        let known = Self.longOptions(helps.joined(separator: "\n"))
        #expect(known.contains("--another-account") && known.contains("--home"), "the help pages were not read: \(known.sorted())")
        for option in Self.longOptions(readme).sorted() where !known.contains(option) {
            guard let source = Self.otherTools[option] else {
                Issue.record("README.md names \(option), which no `switchboard help COMMAND` lists (nor the other tools in ReadmeTests.otherTools)")
                continue
            }
            if let (file, needle) = source {
                let defined = ((try? String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)) ?? "").contains(needle)
                #expect(defined, "README.md names \(option) of \(file), which does not define it")
            }
        }
        for command in commands {
            let named = readme.contains("switchboard \(command)")
            #expect(named, "`switchboard --help` lists `\(command)`, which README.md never names as `switchboard \(command)`")
        }
    }

    /// Names in the examples are valid connection names (ASCII letters, digits, `.`, `_`, `-`).
    @Test func exampleNamesAreValidConnectionNames() throws {
        let valid = try NSRegularExpression(pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
        for block in Self.blocks(try Self.readme()) where block.info == "sh" {
            for line in block.lines {
                let words = line.split(separator: " ").map(String.init)
                guard let at = words.firstIndex(of: "add"), at > 0, words[at - 1] == "switchboard", at + 1 < words.count else { continue }
                let name = words[at + 1]
                guard name != "NAME" else { continue }
                #expect(valid.firstMatch(in: name, range: NSRange(location: 0, length: (name as NSString).length)) != nil,
                        "README.md:\(block.line): `switchboard add \(name)` is not a valid connection name")
            }
        }
    }

    /// Every `[…](#anchor)` link leads to a heading (GitHub's anchors: lower case, punctuation dropped, spaces as `-`).
    @Test func internalLinksLeadToHeadings() throws {
        let readme = try Self.readme()
        var anchors: Set<String> = []
        var inBlock = false
        for line in readme.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inBlock.toggle(); continue }
            guard !inBlock, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            anchors.insert(String(title.compactMap { ch -> Character? in
                ch == " " ? "-" : (ch.isLetter || ch.isNumber || ch == "-" || ch == "_") ? ch : nil
            }))
        }
        let regex = try NSRegularExpression(pattern: #"\]\(#([^)]+)\)"#)
        let ns = readme as NSString
        let links = regex.matches(in: readme, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
        #expect(!links.isEmpty)
        for link in Set(links).sorted() {
            #expect(anchors.contains(link), "README.md links to #\(link), which is no heading's anchor")
        }
    }

    /// The Architecture table names every target in Package.swift.
    @Test func everyTargetIsInTheArchitecture() throws {
        let readme = try Self.readme()
        guard let start = readme.range(of: "\n## Architecture\n") else { Issue.record("no Architecture section"); return }
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        let package = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: #"\.(?:target|executableTarget|systemLibrary|testTarget)\(\s*name:\s*"([^"]+)""#)
        let ns = package as NSString
        let targets = regex.matches(in: package, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
        #expect(targets.count >= 15, "no targets found in Package.swift")
        for target in targets {
            let named = section.contains("`\(target)`")
            #expect(named, "Package.swift's target \(target) is not in README.md's Architecture section")
        }
    }

    /// The Files section names every file a home holds after a few commands (temporary files by their pattern).
    @Test func everyFileInAHomeIsListed() async throws {
        let readme = try Self.readme()
        guard let start = readme.range(of: "\n## Files\n") else { Issue.record("no Files section"); return }
        let rest = readme[start.upperBound...]
        let section = String(rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest)
        let session = Session(version: "")
        defer { session.tmp.remove() }
        let home = session.tmp.url.appendingPathComponent("sb").path
        // The demo's sign-ins (on 127.0.0.1) store tokens; `secrets encrypt` seals them (its key file goes to
        // $HOME/.local/share, outside this home); the rest fail against a port where nothing listens.
        for words in [["demo", "--script"], ["add", "local", "http://127.0.0.1:9/mcp"], ["connect", "local", "--no-browser"],
                      ["refresh", "local"], ["token", "local"], ["status", "--json"], ["list", "--json"], ["log"], ["secrets", "encrypt"]] {
            _ = try await session.run(words + ["--home", home])
        }
        let found = try FileManager.default.subpathsOfDirectory(atPath: home)
        for expected in ["integrations.json", "integration-secrets.json", "integration-secrets.sealed", "locks/schemes.lock"] {
            #expect(found.contains(expected), "\(found)")
        }
        for path in found.sorted() {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: home + "/" + path, isDirectory: &isDirectory)
            // A folder is named with its slash (`bridges/`) or by a file in it (`locks/schemes.lock`).
            let shown = path.contains(".tmp-") ? "`.NAME.tmp-PID-RANDOM`" : isDirectory.boolValue ? "`\(path)/" : "`\(path)`"
            let named = section.contains(shown)
            #expect(named, "a home holds \(path), which README.md's Files section does not name (as \(shown))")
        }
    }
}
