import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard secrets status|encrypt|decrypt`: whether the secret store is sealed, and changing it.
    struct Secrets: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "secrets",
            abstract: "Show or change whether the secret store is sealed with AES-256-GCM.",
            discussion: """
                A sealed store stays sealed: every command writes it sealed, whatever SWITCHBOARD_ENCRYPT_SECRETS says, \
                and a command without the key fails instead of writing plain JSON. The key comes from \
                SWITCHBOARD_SECRETS_KEY, else the key file $XDG_DATA_HOME/switchboard/secrets.key (created by `encrypt`).
                """,
            subcommands: [Status.self, Encrypt.self, Decrypt.self],
            defaultSubcommand: Status.self)

        struct Status: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "status", abstract: "Say whether the store is sealed and where its key comes from.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let encryption = SecretsEncryption.fromEnvironment()
                let store = global.integrations().secrets
                let state = try store.sealState()
                guard state.exists else {
                    Output.line("No secrets stored yet; a new store is \(encryption.enabled ? "sealed (SWITCHBOARD_ENCRYPT_SECRETS=1)" : "plain JSON, mode 0600 (run `switchboard secrets encrypt` to seal it)").")
                    return
                }
                if state.sealed {
                    Output.line("Sealed (AES-256-GCM) with the key \(state.keyID ?? "(unnamed: written by an older Switchboard)"), from \(encryption.source).")
                } else {
                    Output.line("Plain JSON, mode 0600. Run `switchboard secrets encrypt` to seal it.")
                }
                let count = try store.load().schemes.count
                Output.line("\(state.sealed ? "The key opens it; " : "")\(count) scheme\(count == 1 ? "" : "s") hold\(count == 1 ? "s" : "") secrets.")
            }
        }

        struct Encrypt: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "encrypt",
                abstract: "Seal the secret store (creating the key file when SWITCHBOARD_SECRETS_KEY is not set).")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let changed = try global.integrations().secrets.setSealed(true)
                let source = SecretsEncryption.fromEnvironment().source
                Output.line(changed ? "Sealed the secret store with the key from \(source). Keep that key: without it the store cannot be opened."
                                    : "The secret store is already sealed.")
            }
        }

        struct Decrypt: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "decrypt", abstract: "Write the secret store as plain JSON (mode 0600) again.")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                if SecretsEncryption.fromEnvironment().enabled {
                    throw CLIError.usage("SWITCHBOARD_ENCRYPT_SECRETS=1 asks for a sealed store; unset it first, then run `switchboard secrets decrypt`.")
                }
                let changed = try global.integrations().secrets.setSealed(false)
                Output.line(changed ? "The secret store is plain JSON again (mode 0600)." : "The secret store is not sealed.")
                // The key is left where it is (the key file may seal other homes' stores, and opens sealed copies
                // such as integration-secrets.json.broken-*), but while it is there a new store starts sealed.
                let encryption = SecretsEncryption.fromEnvironment()
                if encryption.keyBase64 != nil {
                    Output.line("SWITCHBOARD_SECRETS_KEY is still set: while it is, a store started anew (its file deleted, or moved aside as damaged) is sealed with it again. Unset it to keep new stores plain.")
                } else if encryption.keyExists {
                    Output.line("The key file \(encryption.keyFile.path) is still there: while it is, a store started anew (its file deleted, or moved aside as damaged) is sealed with it again. It may seal other Switchboard homes' stores and opens sealed copies (integration-secrets.json.broken-*); if nothing needs it, delete it to keep new stores plain.")
                }
            }
        }
    }
}
