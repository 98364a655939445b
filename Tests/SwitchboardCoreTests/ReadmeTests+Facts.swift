import Foundation
import SwitchboardTestSupport
import Testing

/// The README's facts that drift from the code: options and commands, names, links, targets, the files of a home.
extension ReadmeTests {
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
