import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem

/// What `switchboard export` gives each MCP client: an entry per connection in the client's own format and
/// key names, running Switchboard's bridge (`switchboard bridge NAME`) or, for Claude Code on request, its
/// headers helper. The fragment is printed, or merged into the client's file (`+Merge`, `+Write`).
public enum ClientConfigExport {
    /// How the client reaches the server: through the bridge (every client), or directly over HTTP with
    /// `headersHelper` asking `switchboard headers` for the Authorization header (Claude Code only).
    public enum Via: String, CaseIterable, Sendable { case bridge, headers }

    /// One server entry: its key in the client's table, the connection it serves, and its members in order.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var connection: String
        public var serverURL: URL
        public var members: [ConfigMember]

        /// The members as JSONSerialization reads them back, to compare with what a file holds.
        var object: [String: Any] { Dictionary(members.map { ($0.name, $0.value.object) }, uniquingKeysWith: { a, _ in a }) }

        /// Whether a JSON value read from a file is this entry's members.
        func isSame(as value: Any?) -> Bool {
            (value as? [String: Any]).map { NSDictionary(dictionary: $0).isEqual(to: object) } ?? false
        }
    }

    /// Something `export` cannot do, with what to do about it.
    public struct ExportError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }

        static func file(_ file: String, _ reason: String) -> ExportError {
            ExportError("\(file): \(reason). Nothing was written.")
        }
    }

    /// What a write did (or, for a printed fragment, would do) to one entry.
    public enum Action: Sendable, Equatable {
        case added(key: String, connection: String)
        case replaced(key: String, connection: String)
        case unchanged(key: String, connection: String)
        /// An `mcp-remote` entry for the same server, removed for the bridge (`--replace-mcp-remote`).
        case removedMCPRemote(key: String, url: String, connection: String)
        /// An `mcp-remote` entry for the same server, left alone (no `--replace-mcp-remote`): the bridge for
        /// that connection is not added beside it.
        case keptMCPRemote(key: String, url: String, connection: String)
    }

    /// One of the client's entries that a write replaces (same key) or removes (`--replace-mcp-remote`): what it
    /// was, and in Codex's file the sub-tables that go with it (`[mcp_servers.KEY.env]` may hold its secrets;
    /// another server's never go). The backup of the previous file keeps all of it.
    public struct Displaced: Sendable, Equatable {
        public var key: String
        public var was: String
        public var subTables: [String]
    }

    /// What an entry of the client's is, in a few words (a command by its program only, a URL without its
    /// query: either may carry a token).
    static func summary(_ entry: ClientConfigImport.Entry) -> String {
        switch entry.kind {
        case .remote(let url, let token):
            var shown = url
            if var parts = URLComponents(string: url) {
                (parts.user, parts.password, parts.query, parts.fragment) = (nil, nil, nil, nil)
                shown = parts.string ?? url
            }
            return (entry.viaMCPRemote ? "mcp-remote for " : "the server at ") + shown + (token == nil ? "" : " with a bearer token")
        case .switchboardBridge(let name, let home):
            return "Switchboard's bridge for \(name)" + (home.map { " (home \($0))" } ?? "")
        case .stdio(let command, _):
            return "the local command " + ClientConfigImport.programName(of: command)
        case .unusable(let why):
            return "an entry Switchboard does not read (\(why))"
        }
    }

    /// The entries for `connections`. The bridge is `EXECUTABLE bridge NAME` plus `homeWords` (`--home DIR`
    /// when the home is not the default one): the client starts it in its own environment, so the binary is
    /// named by its full path and the home travels in the arguments.
    public static func entries(for connections: [Connection], client: MCPClient, via: Via, executable: String,
                               homeWords: [String]) throws(ExportError) -> [Entry] {
        if via == .headers && client != .claudeCode {
            throw ExportError("--via headers is for Claude Code only (its `headersHelper`); \(client.rawValue) runs the bridge")
        }
        var byKey: [String: String] = [:]
        return try connections.map { (c: Connection) throws(ExportError) -> Entry in
            let key = MCPClient.serverKey(for: c.name)
            if let other = byKey[key] {
                throw ExportError("connections \(other) and \(c.name) would both be \(key) in \(client.rawValue)'s file (it allows only letters, digits, - and _); export them one at a time")
            }
            byKey[key] = c.name
            let members: [ConfigMember]
            switch via {
            case .bridge:
                members = client.stdioEntry(command: executable, args: ["bridge", c.name] + homeWords)
            case .headers:
                var m = [ConfigMember("type", .string("http")), ConfigMember("url", .string(c.serverURL.absoluteString))]
                if c.primaryScheme?.kind != AuthScheme.Kind.none {
                    m.append(ConfigMember("headersHelper", .string(ShellQuote.command([executable, "headers", c.name] + homeWords))))
                }
                members = m
            }
            return Entry(key: key, connection: c.name, serverURL: c.serverURL, members: members)
        }
    }

    /// The fragment the client reads, as a whole file of its format holding only these entries.
    public static func fragment(_ entries: [Entry], client: MCPClient) -> String {
        switch client.format {
        case .toml:
            return entries.map { TOMLSplice.render(server: $0.key, $0.members) }.joined(separator: "\n\n") + "\n"
        case .json, .jsonWithComments:
            return newJSONDocument(entries, client: client)
        }
    }

    static func newJSONDocument(_ entries: [Entry], client: MCPClient) -> String {
        let unit = "  "
        let servers = entries.map { e in
            unit + unit + JSONSplice.string(e.key) + ": " + JSONSplice.render(e.members, indent: unit + unit, unit: unit, lineBreak: "\n")
        }
        let table = servers.isEmpty ? "{}" : "{\n" + servers.joined(separator: ",\n") + "\n" + unit + "}"
        return "{\n" + unit + JSONSplice.string(client.serversKey) + ": " + table + "\n}\n"
    }

    /// Decides what to do in a client's table: which members go, which are set, and what to tell the person.
    /// `existing` is the table as the importer reads it (key → entry); `same` says whether the member under an
    /// entry's key already is that entry. An `mcp-remote` entry for one of the exported servers (same URL) is
    /// removed only when `replaceMCPRemote`; otherwise it stays, and the bridge for that server is not added.
    static func plan(existing: [String: ClientConfigImport.Entry], same: (Entry) -> Bool, entries: [Entry],
                     replaceMCPRemote: Bool) -> (remove: [String], set: [Entry], actions: [Action]) {
        var remove: [String] = [], set: [Entry] = [], actions: [Action] = []
        for e in entries {
            let target = ServerURL.canonicalResource(e.serverURL)
            var blocked = false
            for key in existing.keys.sorted() {
                guard let found = existing[key], found.viaMCPRemote, case .remote(let url, _) = found.kind,
                      let u = URL(string: url), ServerURL.canonicalResource(u) == target else { continue }
                if replaceMCPRemote {
                    if key != e.key && !remove.contains(key) { remove.append(key) }
                    actions.append(.removedMCPRemote(key: key, url: url, connection: e.connection))
                } else {
                    // The client keeps reaching the server through mcp-remote: adding the bridge beside it
                    // would give it every tool twice.
                    actions.append(.keptMCPRemote(key: key, url: url, connection: e.connection))
                    blocked = true
                }
            }
            if blocked { continue }
            if existing[e.key] != nil && same(e) {
                actions.append(.unchanged(key: e.key, connection: e.connection))
            } else {
                actions.append(existing[e.key] == nil ? .added(key: e.key, connection: e.connection) : .replaced(key: e.key, connection: e.connection))
                set.append(e)
            }
        }
        let setKeys = Set(set.map(\.key))
        return (remove.filter { !setKeys.contains($0) }, set, actions)
    }
}
