import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem
import TOMLKit

extension ClientConfigExport {
    /// A client's file with the entries merged in.
    public struct Merge: Sendable {
        /// The new contents.
        public var text: String
        public var actions: [Action]
        /// Whether `text` differs from what the file held (an unchanged file is not rewritten).
        public var changed: Bool
        /// The client's entries replaced or removed, with what they were (and the sub-tables that went with them).
        public var displaced: [Displaced] = []
    }

    /// Merges `entries` into a client's file (`text`, nil when there is none). Only the table of servers
    /// changes, by splicing its text: every other member, comment and byte stays as it was. The result is
    /// checked before it is returned: read back (everything else equal, every entry of ours there, strict JSON
    /// still strict) and compared byte for byte outside the entries it removed, replaced or added (`SpliceCheck`);
    /// a file that does not parse, or whose layout is not understood, is an error and nothing is written.
    public static func merge(_ text: String?, file: String, client: MCPClient, entries: [Entry],
                             replaceMCPRemote: Bool) throws(ExportError) -> Merge {
        guard let text, !text.allSatisfy(\.isWhitespace) else {
            let actions = entries.map { Action.added(key: $0.key, connection: $0.connection) }
            return Merge(text: fragment(entries, client: client), actions: actions, changed: !entries.isEmpty)
        }
        let merged: (text: String, actions: [Action], displaced: [Displaced])
        if client.format == .toml {
            merged = try mergeTOML(text, file: file, entries: entries, replaceMCPRemote: replaceMCPRemote)
        } else {
            merged = try mergeJSON(text, file: file, client: client, entries: entries, replaceMCPRemote: replaceMCPRemote)
        }
        return Merge(text: merged.text, actions: merged.actions, changed: merged.text != text, displaced: merged.displaced)
    }

    private static let unsafeLayout = "Switchboard could not edit this file's layout safely; add the entries that export prints without --write by hand"

    // MARK: JSON

    static func parseJSON(_ text: String, file: String) throws(ExportError) -> [String: Any] {
        let data = Data(text.utf8)
        let object: Any
        if let strict = try? JSONSerialization.jsonObject(with: data) {
            object = strict
        } else if let relaxed = try? JSONSerialization.jsonObject(with: Data(ClientConfigImport.stripJSONC(text).utf8)) {
            // Comments and trailing commas (VS Code's format, and what people leave in the others) are kept.
            object = relaxed
        } else {
            let e = JSONCoding.syntaxError(in: data, file: "", fallback: "not valid JSON")
            var reason = e.description.trimmingCharacters(in: CharacterSet(charactersIn: ": "))
            if e.line == nil {
                // The parser gives no offset when the text stops early (a brace or quote never closed).
                reason = "line \(text.split(separator: "\n", omittingEmptySubsequences: false).count), at the end of the file: \(e.detail)"
            }
            throw .file(file, "is not valid JSON (\(reason)); fix it, or move it aside, and run again")
        }
        guard let root = object as? [String: Any] else { throw .file(file, "the top level is not a JSON object") }
        return root
    }

    static func mergeJSON(_ text: String, file: String, client: MCPClient, entries: [Entry],
                          replaceMCPRemote: Bool) throws(ExportError) -> (text: String, actions: [Action], displaced: [Displaced]) {
        let key = client.serversKey
        let root = try parseJSON(text, file: file)
        let servers: [String: Any]
        switch root[key] {
        case nil: servers = [:]
        case let table as [String: Any]: servers = table
        default: throw .file(file, "`\(key)` is not an object; make it one (`\"\(key)\": {}`) or remove it")
        }
        var existing: [String: ClientConfigImport.Entry] = [:]
        for (name, value) in servers {
            existing[name] = (value as? [String: Any]).map { ClientConfigImport.entry(name: name, $0) }
                ?? ClientConfigImport.Entry(name: name, kind: .unusable("not an object"))
        }
        let plan = Self.plan(existing: existing, same: { $0.isSame(as: servers[$0.key]) },
                        entries: entries, replaceMCPRemote: replaceMCPRemote)
        guard !plan.remove.isEmpty || !plan.set.isEmpty else { return (text, plan.actions, []) }
        let displaced = (plan.remove + plan.set.map(\.key)).compactMap { name in
            existing[name].map { Displaced(key: name, was: summary($0), subTables: []) }
        }

        var splice = JSONSplice(text)
        guard splice.root() != nil else { throw .file(file, unsafeLayout) }
        if root[key] == nil, !splice.set(key, [], in: { $0.root() }) { throw .file(file, unsafeLayout) }
        for name in plan.remove {
            guard splice.remove(name, in: { $0.table(key) }) else { throw .file(file, unsafeLayout) }
        }
        for e in plan.set {
            guard splice.set(e.key, e.members, in: { $0.table(key) }) else { throw .file(file, unsafeLayout) }
        }

        // Read back: everything but our members is equal, and ours are there. Values cannot show a comment or a
        // blank line lost, so the bytes are compared too: nothing outside the members removed or set changed.
        let after = try? parseJSON(splice.text, file: file)
        let afterServers = after?[key] as? [String: Any] ?? [:]
        var others = root, othersAfter = after ?? [:]
        others[key] = nil
        othersAfter[key] = nil
        let touched = Set(plan.remove + plan.set.map(\.key))
        let kept = servers.filter { !touched.contains($0.key) }
        guard after != nil, NSDictionary(dictionary: others).isEqual(to: othersAfter),
              NSDictionary(dictionary: kept).isEqual(to: afterServers.filter { !touched.contains($0.key) }),
              plan.remove.allSatisfy({ afterServers[$0] == nil }),
              plan.set.allSatisfy({ $0.isSame(as: afterServers[$0.key]) }),
              // A file every client parses stays one (no comma left trailing).
              (try? JSONSerialization.jsonObject(with: Data(text.utf8))) == nil
                || (try? JSONSerialization.jsonObject(with: Data(splice.text.utf8))) != nil,
              jsonKeepsOtherBytes(text, splice.text, key: key, removed: Set(plan.remove), set: Set(plan.set.map(\.key)))
        else { throw .file(file, unsafeLayout) }
        return (splice.text, plan.actions, displaced)
    }

    /// Whether `after` holds every byte of `before` outside the members of table `key` that were `removed` (with
    /// the comments that follow them on their line) or `set` (see `SpliceCheck`); when `before` has no such
    /// table, outside the table added. Comments, blank lines, other members and the text around the table stay.
    static func jsonKeepsOtherBytes(_ before: String, _ after: String, key: String, removed: Set<String>, set: Set<String>) -> Bool {
        let b = JSONSplice(before), a = JSONSplice(after)
        let created = b.table(key) == nil
        guard let beforeObject = created ? b.root() : b.table(key), let afterObject = created ? a.root() : a.table(key),
              let beforePieces = b.pieces(around: beforeObject, changing: created ? [] : removed.union(set), removing: created ? [] : removed),
              let afterPieces = a.pieces(around: afterObject, changing: created ? [key] : set, removing: [])
        else { return false }
        return SpliceCheck.keeps(b.bytes, beforePieces, a.bytes, afterPieces)
    }

    /// Whether `after` holds every byte of `before` outside the tables of the servers `removed` or `set` (a
    /// server's own sub-tables included, and only those): every other table, root key and comment stays.
    static func tomlKeepsOtherBytes(_ before: String, _ after: String, removed: Set<String>, set: Set<String>) -> Bool {
        let b = TOMLSplice(before), a = TOMLSplice(after)
        guard let beforePieces = b.pieces(changing: removed.union(set)), let afterPieces = a.pieces(changing: set) else { return false }
        return SpliceCheck.keeps(b.bytes, beforePieces, a.bytes, afterPieces)
    }

    // MARK: TOML

    static func parseTOML(_ text: String, file: String) throws(ExportError) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .file(file, "is not valid TOML (line \(error.source.begin.line): \(error.description)); fix it, or move it aside, and run again")
        } catch {
            throw .file(file, "is not valid TOML (\(error)); fix it, or move it aside, and run again")
        }
    }

    /// Whether Codex's table for `e.key` holds exactly `e`'s members.
    static func tomlHolds(_ table: TOMLTable?, _ e: Entry) -> Bool {
        guard let table, Set(table.keys) == Set(e.members.map(\.name)) else { return false }
        return e.members.allSatisfy { m in
            switch m.value {
            case .string(let s): table[m.name]?.string == s
            case .strings(let a):
                table[m.name]?.array.map { array in array.map { $0.string } == a.map(Optional.some) } ?? false
            }
        }
    }

    static func mergeTOML(_ text: String, file: String, entries: [Entry],
                          replaceMCPRemote: Bool) throws(ExportError) -> (text: String, actions: [Action], displaced: [Displaced]) {
        let document = try parseTOML(text, file: file)
        if document["mcp_servers"] != nil && document["mcp_servers"]?.table == nil {
            throw .file(file, "`mcp_servers` is not a table; make it `[mcp_servers.NAME]` tables or remove it")
        }
        let servers = document["mcp_servers"]?.table
        var existing: [String: ClientConfigImport.Entry] = [:]
        if let read = try? ClientConfigImport.codex(text, file: file) { for e in read { existing[e.name] = e } }
        let plan = Self.plan(existing: existing, same: { tomlHolds(servers?[$0.key]?.table, $0) }, entries: entries, replaceMCPRemote: replaceMCPRemote)
        guard !plan.remove.isEmpty || !plan.set.isEmpty else { return (text, plan.actions, []) }

        var splice = TOMLSplice(text)
        guard splice.sections() != nil else { throw .file(file, unsafeLayout) }
        // A server written as an inline table or with dotted keys has no table of its own to replace.
        for name in plan.remove + plan.set.map(\.key) where existing[name] != nil && splice.serverSections(name).isEmpty {
            throw .file(file, "the server \(name) is written inline (not as its own [mcp_servers.\(TOMLSplice.key(name))] table); move it to one, or remove it, and run again")
        }
        if servers?.inline == true, !plan.set.isEmpty {
            throw .file(file, "`mcp_servers` is an inline table; write its servers as [mcp_servers.NAME] tables and run again")
        }
        // A server's own sub-tables (`[mcp_servers.NAME.env]`, which may hold its secrets) go with it, and say so.
        let displaced = (plan.remove + plan.set.map(\.key)).compactMap { name in
            existing[name].map { Displaced(key: name, was: summary($0), subTables: splice.subTables(of: name)) }
        }
        let nl = splice.lineBreak
        for name in plan.remove {
            guard splice.remove(server: name) else { throw .file(file, unsafeLayout) }
        }
        for e in plan.set {
            guard splice.set(server: e.key, to: TOMLSplice.render(server: e.key, e.members, lineBreak: nl)) else { throw .file(file, unsafeLayout) }
        }

        // Read back: every other key and server is equal, and ours are there; and byte for byte, nothing outside
        // the tables of the servers removed or set (with their own sub-tables) changed.
        guard let after = try? TOMLTable(string: splice.text) else { throw .file(file, unsafeLayout) }
        let touched = Set(plan.remove + plan.set.map(\.key))
        let afterServers = after["mcp_servers"]?.table
        let rootKeys = Set(document.keys).union(after.keys).subtracting(["mcp_servers"])
        let serverKeys = Set(servers?.keys ?? []).union(afterServers?.keys ?? []).subtracting(touched)
        guard rootKeys.allSatisfy({ document[$0]?.tomlValue == after[$0]?.tomlValue }),
              serverKeys.allSatisfy({ servers?[$0]?.tomlValue == afterServers?[$0]?.tomlValue }),
              plan.remove.allSatisfy({ afterServers?[$0] == nil }),
              plan.set.allSatisfy({ tomlHolds(afterServers?[$0.key]?.table, $0) }),
              tomlKeepsOtherBytes(text, splice.text, removed: Set(plan.remove), set: Set(plan.set.map(\.key)))
        else { throw .file(file, unsafeLayout) }
        return (splice.text, plan.actions, displaced)
    }
}
