import Foundation
import SwitchboardCore
@testable import ClientConfigs
import Testing

/// Comments in a client's file belong to the entry they follow on its line, or to no entry when they have lines
/// of their own: removing or adding an entry takes only its own, and the merge's byte check refuses any splice
/// that loses a byte outside the entries it touched.
@Suite struct ExportCommentTests {
    static func table(_ lines: [String], nl: String = "\n") -> String {
        (["{", "  \"s\": {"] + lines.map { "    " + $0 } + ["  }", "}"]).joined(separator: nl)
    }

    static func removing(_ key: String, from text: String) -> String? {
        var splice = JSONSplice(text)
        return splice.remove(key, in: { $0.table("s") }) ? splice.text : nil
    }

    @Test(arguments: [
        // The last entry: the comma before it goes, the comment at the end of the previous line stays.
        (table([#""github": {"command": "gh"}, // work token"#, #""old": {}"#]), table([#""github": {"command": "gh"} // work token"#])),
        // A middle entry: its own comment goes; the lines of comment above the next entry stay.
        (table(["\"a\": 1,", "\"old\": 2, // old's note", "// about b", "/* more */", "\"b\": 3"]), table(["\"a\": 1,", "// about b", "/* more */", "\"b\": 3"])),
        // The first entry, under a comment about the table (which stays).
        (table(["// my servers", "\"old\": 2,", "\"b\": 3"]), table(["// my servers", "\"b\": 3"])),
        // The only entry, with its comment.
        (table(["\"old\": 2 // gone"]), table([])),
        // A trailing comma (JSON with comments): the last entry's own comma goes, the previous one stays.
        (table(["\"a\": 1, // a's", "\"old\": 2, // old's", "// the end"]), table(["\"a\": 1, // a's", "// the end"])),
        // CRLF.
        (table(["\"a\": 1, // a's", "\"old\": 2 // old's"], nl: "\r\n"), table(["\"a\": 1 // a's"], nl: "\r\n")),
        // One line.
        (#"{"s": {"a": 1, "old": 2 /* o */, "b": 3}}"#, #"{"s": {"a": 1, "b": 3}}"#),
        (#"{"s": {"a": 1 /* a */, "old": 2}}"#, #"{"s": {"a": 1 /* a */}}"#),
    ])
    func removalTakesOnlyItsOwnComments(_ before: String, _ after: String) throws {
        #expect(Self.removing("old", from: before) == after)
        #expect(ClientConfigExport.jsonKeepsOtherBytes(before, after, key: "s", removed: ["old"], set: []))
    }

    /// A new entry goes on a line after the last entry's line, so a comment ending that line stays with it.
    @Test(arguments: [
        (table([#""files": {"command": "npx"} // note"#]), table([#""files": {"command": "npx"}, // note"#, #""new": {}"#])),
        (table([#""files": {"command": "npx"}, // note"#]), table([#""files": {"command": "npx"}, // note"#, #""new": {}"#])),
        (table([#""files": {"command": "npx"} /* a */ /* b */"#]), table([#""files": {"command": "npx"}, /* a */ /* b */"#, #""new": {}"#])),
    ])
    func additionKeepsTheLastEntrysComment(_ before: String, _ after: String) throws {
        var splice = JSONSplice(before)
        let done = splice.set("new", [], in: { $0.table("s") })
        #expect(done)
        #expect(splice.text == after)
        #expect(ClientConfigExport.jsonKeepsOtherBytes(before, after, key: "s", removed: [], set: ["new"]))
    }

    /// The whole merge, as `--replace-mcp-remote` runs it: the mcp-remote entry goes with its own comment, the
    /// comments of the entry before it and of the table stay where they were.
    @Test func replacingTheLastEntryKeepsEveryOtherComment() throws {
        let before = Self.table([
            "// mine", #""github": {"command": "gh"}, // work token"#,
            #""linear-old": {"command": "npx", "args": ["-y", "mcp-remote", "https://mcp.linear.app/mcp"]} // remove me"#,
        ]).replacingOccurrences(of: "\"s\"", with: "\"mcpServers\"")
        let merged = try ExportMergeTests.merge(before, .claudeDesktop, replace: true)
        #expect(merged.text == Self.table([
            "// mine", #""github": {"command": "gh"}, // work token"#,
            #""linear": {"#, #"  "command": "/usr/local/bin/switchboard","#, #"  "args": ["bridge", "linear"]"#, "}",
        ]).replacingOccurrences(of: "\"s\"", with: "\"mcpServers\""))
    }

    /// The check itself: what the earlier splice produced (a neighbour's comment, or the comment lines above the
    /// next entry, deleted with the entry) is refused, as is any lost or changed byte outside the entries.
    @Test func theByteCheckRefusesLostComments() {
        let last = Self.table([#""github": {}, // work token"#, #""old": {}"#])
        #expect(!ClientConfigExport.jsonKeepsOtherBytes(last, Self.table([#""github": {}"#]), key: "s", removed: ["old"], set: []))
        let middle = Self.table(["\"a\": 1,", "\"old\": 2, // old's note", "// about b", "\"b\": 3"])
        #expect(!ClientConfigExport.jsonKeepsOtherBytes(middle, Self.table(["\"a\": 1,", "\"b\": 3"]), key: "s", removed: ["old"], set: []))
        // A changed blank, a changed foreign value, text outside the table.
        let plain = Self.table(["\"a\": 1,", "\"b\": 2"])
        #expect(ClientConfigExport.jsonKeepsOtherBytes(plain, plain, key: "s", removed: [], set: []))
        #expect(!ClientConfigExport.jsonKeepsOtherBytes(plain, Self.table(["\"a\": 1, ", "\"b\": 2"]), key: "s", removed: [], set: []))
        #expect(!ClientConfigExport.jsonKeepsOtherBytes(plain, Self.table(["\"a\": 1,", "\"b\": 2.0"]), key: "s", removed: [], set: []))
        #expect(!ClientConfigExport.jsonKeepsOtherBytes(plain, plain + "\n", key: "s", removed: [], set: []))
        // What an entry of ours replaced held may change; its neighbours may not.
        #expect(ClientConfigExport.jsonKeepsOtherBytes(plain, Self.table(["\"a\": 1,", "\"b\": {}"]), key: "s", removed: [], set: ["b"]))
        #expect(!ClientConfigExport.jsonKeepsOtherBytes(plain, Self.table(["\"a\": 2,", "\"b\": {}"]), key: "s", removed: [], set: ["b"]))
    }

    /// TOML: a server's tables go with it, never another's sub-table, a comment, or a root key.
    @Test func theTOMLByteCheckRefusesAnotherServersSubTable() {
        let before = "# top\nmodel = \"o3\"\n\n[mcp_servers.linear]\ncommand = \"old\"\n\n# files' secrets\n[mcp_servers.files.env]\nTOKEN = \"abc\"\n\n[mcp_servers.linear.env]\nX = \"1\"\n"
        let right = "# top\nmodel = \"o3\"\n\n[mcp_servers.linear]\ncommand = \"new\"\n\n# files' secrets\n[mcp_servers.files.env]\nTOKEN = \"abc\"\n"
        #expect(ClientConfigExport.tomlKeepsOtherBytes(before, right, removed: [], set: ["linear"]))
        #expect(!ClientConfigExport.tomlKeepsOtherBytes(before, "# top\nmodel = \"o3\"\n\n[mcp_servers.linear]\ncommand = \"new\"\n", removed: [], set: ["linear"]))
        #expect(!ClientConfigExport.tomlKeepsOtherBytes(before, right.replacingOccurrences(of: "# files' secrets\n", with: ""), removed: [], set: ["linear"]))
        #expect(!ClientConfigExport.tomlKeepsOtherBytes(before, right.replacingOccurrences(of: "# top\n", with: ""), removed: [], set: ["linear"]))
    }
}
