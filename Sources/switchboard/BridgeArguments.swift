/// The arguments of `switchboard bridge`, recognised without ArgumentParser in the forms that start bridges:
/// `bridge NAME`, with `--home DIR` (or `--home=DIR`) and `--sign-in`, in any order — what `export` writes into
/// every client's config. Anything else (help, `--`, an unknown option, a missing or second name) is nil and
/// goes through ArgumentParser as every other command does, so help and errors read as ever.
///
/// Why not ArgumentParser here: MCP clients start every configured bridge when they start, and wait for each
/// one's first answer. ArgumentParser builds a command's arguments by reflection, and each property type it
/// reflects costs the Swift runtime a scan of every protocol conformance in this binary (over 10,000): 4 of a
/// bridge's 20 ms from start to first answer (`switchboard-bench --only bridge-start`). A test holds this
/// reading to ArgumentParser's for every form (`BridgeArgumentsTests`).
struct BridgeArguments: Equatable {
    var name: String
    var home: String?
    var signIn = false

    init?(_ arguments: [String]) {
        guard arguments.first == "bridge" else { return nil }
        var name: String?, home: String?, signIn = false
        var rest = arguments.dropFirst()
        while let word = rest.popFirst() {
            if word == "--sign-in" {
                guard !signIn else { return nil }
                signIn = true
            } else if word == "--home" {
                guard home == nil, let value = rest.popFirst(), !value.isEmpty, !value.hasPrefix("-") else { return nil }
                home = value
            } else if word.hasPrefix("--home=") {
                let value = String(word.dropFirst("--home=".count))
                guard home == nil, !value.isEmpty else { return nil }
                home = value
            } else if word.hasPrefix("-") || word.isEmpty || name != nil {
                return nil
            } else {
                name = word
            }
        }
        guard let name else { return nil }
        self.name = name
        self.home = home
        self.signIn = signIn
    }
}
