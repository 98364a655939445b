import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem
import TOMLKit

/// Remote MCP server definitions read from other MCP clients' configuration files.
public enum ClientConfigImport {
    /// The clients Switchboard reads (the same ones `export` writes for).
    public typealias Source = MCPClient

    /// One server found in a file.
    public struct Entry: Equatable, Sendable {
        public enum Kind: Equatable, Sendable {
            case remote(url: String, bearerToken: String?)
            /// Switchboard's own bridge (`switchboard bridge NAME [--home DIR]`, as `export` writes it):
            /// already served by Switchboard's connection NAME.
            case switchboardBridge(name: String, home: String?)
            /// A local (stdio) server: Switchboard does not run programs. Its arguments often hold API keys:
            /// show `programName(of:)`, never these.
            case stdio(command: String, arguments: [String])
            case unusable(String)
        }
        public var name: String
        public var kind: Kind
        public var note: String?
        /// A remote server reached through `npx mcp-remote URL` (which `export --replace-mcp-remote` replaces).
        public var viaMCPRemote = false
    }

    public struct ImportError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason). The file was not changed." }
    }

    /// The largest configuration file `import` reads.
    public static let maxFileBytes = 4 << 20

    /// Reads a file of the given client (or guesses the format from the content).
    public static func read(file: String, as source: Source?) throws -> [Entry] {
        let data: Data
        do { data = try FileSystem.readRegular(file, limit: maxFileBytes) } catch {
            switch error {
            case .missing: throw ImportError(file: file, reason: "does not exist")
            case .notRegular: throw ImportError(file: file, reason: "is not a regular file (a device, FIFO or directory); name the configuration file itself")
            case .tooLarge(let limit): throw ImportError(file: file, reason: "is larger than \(limit >> 20) MiB, which no MCP client's configuration is")
            case .unreadable(let code): throw ImportError(file: file, reason: "cannot be read (\(String(cString: strerror(code))))")
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        if source == .codex || (source == nil && file.hasSuffix(".toml")) {
            return try codex(text, file: file)
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            // VS Code's settings allow comments and trailing commas.
            guard let relaxed = try? JSONSerialization.jsonObject(with: Data(stripJSONC(text).utf8)) else {
                throw ImportError(file: file, reason: JSONCoding.syntaxError(in: data, file: "", fallback: "not valid JSON").description.trimmingCharacters(in: CharacterSet(charactersIn: ": ")))
            }
            object = relaxed
        }
        guard let root = object as? [String: Any] else { throw ImportError(file: file, reason: "the top level is not a JSON object") }
        var tables: [[String: Any]] = []
        if let m = root["mcpServers"] as? [String: Any] { tables.append(m) }
        if let s = root["servers"] as? [String: Any] { tables.append(s) }
        if let s = (root["mcp"] as? [String: Any])?["servers"] as? [String: Any] { tables.append(s) }
        if let s = root["mcp.servers"] as? [String: Any] { tables.append(s) }
        if let projects = root["projects"] as? [String: Any] {
            for case let p as [String: Any] in projects.values { if let m = p["mcpServers"] as? [String: Any] { tables.append(m) } }
        }
        var out: [Entry] = []
        for table in tables {
            for name in table.keys.sorted() {
                guard let server = table[name] as? [String: Any] else {
                    out.append(Entry(name: name, kind: .unusable("not an object")))
                    continue
                }
                out.append(entry(name: name, server))
            }
        }
        return out
    }

    static func entry(name: String, _ server: [String: Any]) -> Entry {
        let headers = server["headers"] as? [String: String] ?? server["http_headers"] as? [String: String] ?? [:]
        var bearer: String?
        var note: String?
        if let auth = headers.first(where: { $0.key.lowercased() == "authorization" })?.value {
            if auth.lowercased().hasPrefix("bearer "), !auth.contains("${"), !auth.contains("{env:") {
                let token = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
                // Refused here, with a reason that quotes none of it: sent, it would fail in a message holding it.
                if let problem = BearerToken.problem(token) {
                    return Entry(name: name, kind: .unusable("its Authorization header's token \(problem); fix the token in the file"))
                }
                bearer = token
            } else {
                note = "its Authorization header refers to a variable; imported for OAuth sign-in instead"
            }
        }
        // `url` (most), `serverUrl` (Windsurf), `httpUrl` (Gemini CLI's Streamable HTTP).
        if let url = (server["url"] as? String) ?? (server["serverUrl"] as? String) ?? (server["httpUrl"] as? String) {
            return Entry(name: name, kind: .remote(url: url, bearerToken: bearer), note: note)
        }
        if let command = server["command"] as? String {
            let args = server["args"] as? [String] ?? []
            // `npx mcp-remote URL` bridges a remote server to stdio: import the URL itself.
            if args.contains(where: { $0.hasPrefix("mcp-remote") }) || (command as NSString).lastPathComponent == "mcp-remote",
               let url = args.first(where: { $0.hasPrefix("https://") || $0.hasPrefix("http://") }) {
                return Entry(name: name, kind: .remote(url: url, bearerToken: nil), note: "was bridged through mcp-remote", viaMCPRemote: true)
            }
            if let bridge = switchboardBridge(command: command, args: args) { return Entry(name: name, kind: bridge) }
            return Entry(name: name, kind: .stdio(command: command, arguments: args))
        }
        return Entry(name: name, kind: .unusable("neither a url nor a command"))
    }

    /// The program a stdio server's `command` runs, by its file name (`npx`, `github-mcp`), safe to print: a
    /// command written as a shell line (`API_KEY=… /usr/bin/server --stdio`) gives the first word that is not
    /// a variable assignment; a path with spaces and no assignment is one program.
    public static func programName(of command: String) -> String {
        let program: String
        if command.hasPrefix("/") && !command.contains("=") {
            program = command
        } else {
            program = command.split(whereSeparator: \.isWhitespace).first { !$0.contains("=") }.map(String.init) ?? ""
        }
        let name = (program as NSString).lastPathComponent
        return name.isEmpty ? "(no program)" : TerminalText.safe(name, limit: 40)
    }

    /// `switchboard bridge NAME [--home DIR]` run by a binary named `switchboard`, as `export` writes it;
    /// nil for anything else (another program, another subcommand, extra arguments).
    static func switchboardBridge(command: String, args: [String]) -> Entry.Kind? {
        guard (command as NSString).lastPathComponent == "switchboard", args.count >= 2, args[0] == "bridge" else { return nil }
        let name = args[1]
        switch args.count {
        case 2: return .switchboardBridge(name: name, home: nil)
        case 4 where args[2] == "--home" && !args[3].isEmpty: return .switchboardBridge(name: name, home: args[3])
        default: return nil
        }
    }

    /// Codex's `[mcp_servers.NAME]` tables, read with TOMLKit: just the keys Switchboard needs (`url`,
    /// `command`, `args`, `bearer_token`, `http_headers`). A server's own sub-tables (`[mcp_servers.x.env]`)
    /// stay its own, never a server of their own. Servers come in name order.
    static func codex(_ text: String, file: String) throws -> [Entry] {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ImportError(file: file, reason: "line \(error.source.begin.line): \(error.description)")
        }
        guard let servers = document["mcp_servers"]?.table else { return [] }
        return servers.keys.sorted().map { name in
            guard let table = servers[name]?.table else { return Entry(name: name, kind: .unusable("not a table")) }
            var t: [String: Any] = [:]
            for key in ["url", "command", "bearer_token"] { if let v = table[key]?.string { t[key] = v } }
            if let args = table["args"]?.array { t["args"] = args.compactMap { $0.string } }
            var headers: [String: String] = [:]
            if let h = table["http_headers"]?.table { for k in h.keys { if let v = h[k]?.string { headers[k] = v } } }
            if let token = t["bearer_token"] as? String { headers["Authorization"] = "Bearer " + token }
            if !headers.isEmpty { t["headers"] = headers }
            return entry(name: name, t)
        }
    }

    /// Removes `//` and `/* */` comments and trailing commas, outside strings (a string's own `,]` stays).
    static func stripJSONC(_ text: String) -> String {
        var out = ""
        let chars = Array(text)
        var i = 0
        var inString = false
        /// A comma seen outside a string, held back until the next significant character says whether it trails.
        var pendingComma = false
        while i < chars.count {
            let c = chars[i]
            if inString {
                out.append(c)
                if c == "\\", i + 1 < chars.count { out.append(chars[i + 1]); i += 2; continue }
                if c == "\"" { inString = false }
                i += 1
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "/" { while i < chars.count, chars[i] != "\n" { i += 1 }; continue }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            if c.isWhitespace { out.append(c); i += 1; continue }
            if pendingComma {
                if c != "}" && c != "]" { out.append(",") }
                pendingComma = false
            }
            if c == "," { pendingComma = true; i += 1; continue }
            if c == "\"" { inString = true }
            out.append(c)
            i += 1
        }
        if pendingComma { out.append(",") }
        return out
    }

    /// A name Switchboard accepts, made from another client's key.
    public static func slug(_ name: String) -> String {
        var s = String(name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" ? $0 : "-" }.prefix(64))
        while let f = s.first, !(f.isLetter || f.isNumber) { s.removeFirst() }
        return s.isEmpty ? "server" : s
    }
}
