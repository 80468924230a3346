import Foundation
import Yams

extension ConfigReader {
    static let signerKeys = [
        "kind", "name", "signs", "key", "key_env", "password_env", "public_key", "user", "gnupg_home", "identity",
        "namespace", "command", "verify_command", "pass_env", "certificate", "ca", "suffix", "optional",
    ]

    /// Keys that would put a secret into the config itself.
    static let literalSecretKeys = ["password", "passphrase", "secret", "private_key"]

    /// `signers:` (or `signs:`): a list of signer entries.
    func signers(_ node: Node, key: String) throws -> [SignerConfig] {
        guard case .sequence(let seq) = node else {
            throw error(
                key, at: node, "expected a list of signers, each with kind:",
                hint: "for example:  \(key):\n    - kind: minisign\n      key: minisign.key")
        }
        return try seq.map { try signer($0, key: "\(key)[]") }
    }

    private func signer(_ node: Node, key: String) throws -> SignerConfig {
        var kind: SignerConfig.Kind?
        var entry = SignerConfig(kind: .minisign)
        for (k, v) in try mapping(node, key: key) {
            let name = k.string ?? "?"
            let field = "\(key).\(name)"
            switch name {
            case "kind":
                let text = try string(v, key: field)
                guard let parsed = SignerConfig.Kind(rawValue: text) else {
                    throw error(
                        field, at: v, "unknown signer kind '\(text)'",
                        hint: "use one of: \(SignerConfig.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kind = parsed
            case "name": entry.name = try string(v, key: field)
            case "signs":
                let text = try string(v, key: field)
                guard let scope = SignerConfig.Scope(rawValue: text) else {
                    throw error(
                        field, at: v, "'\(text)' is not something a signer signs",
                        hint: "use checksums (the default) or artifacts")
                }
                entry.scope = scope
            case "key": entry.key = try path(v, key: field)
            case "key_env": entry.keyEnv = try variableName(v, key: field)
            case "password_env": entry.passwordEnv = try variableName(v, key: field)
            case "public_key": entry.publicKey = try path(v, key: field)
            case "user": entry.user = try string(v, key: field)
            case "gnupg_home": entry.gnupgHome = try path(v, key: field)
            case "identity": entry.identity = try string(v, key: field)
            case "namespace": entry.namespace = try string(v, key: field)
            case "command": entry.command = try words(v, key: field)
            case "verify_command": entry.verifyCommand = try words(v, key: field)
            case "pass_env": entry.passEnvironment = try strings(v, key: field)
            case "certificate": entry.certificate = try path(v, key: field)
            case "ca": entry.caFile = try path(v, key: field)
            case "suffix": entry.suffix = try string(v, key: field)
            case "optional": entry.optional = try bool(v, key: field)
            default:
                if Self.literalSecretKeys.contains(name) {
                    throw error(
                        field, at: k, "secrets are never written in the config",
                        hint:
                            "put it in an environment variable and name that variable with \(name == "private_key" ? "key_env" : "password_env"):"
                    )
                }
                throw unknownKey(field, at: k, known: Self.signerKeys)
            }
        }
        guard let kind else {
            throw error(
                key, at: node, "a signer needs kind:",
                hint: "one of: \(SignerConfig.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        entry.kind = kind
        entry.line = node.mark?.line
        return entry
    }

    /// A path; relative paths are taken from the config file's directory, `~/` from HOME.
    private func path(_ node: Node, key: String) throws -> String {
        let text = try string(node, key: key)
        if text.hasPrefix("/") { return text }
        if text.hasPrefix("~/") { return NSHomeDirectory() + String(text.dropFirst(1)) }
        return URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(text).standardizedFileURL
            .path
    }

    private func variableName(_ node: Node, key: String) throws -> String {
        var text = try string(node, key: key)
        if text.hasPrefix("$") { text.removeFirst() }
        let valid =
            !text.isEmpty && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" }
            && !(text.first?.isNumber ?? true)
        guard valid else {
            throw error(
                key, at: node, "expected the NAME of an environment variable (such as MINISIGN_PASSWORD)",
                hint: "the config names the variable; the secret itself goes in the environment")
        }
        return text
    }

    /// A command as a list, or as one string split at spaces (single and double quotes group).
    private func words(_ node: Node, key: String) throws -> [String] {
        if case .sequence = node { return try strings(node, key: key) }
        let text = try string(node, key: key)
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for ch in text {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch == " " || ch == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(ch)
                inWord = true
            }
        }
        guard quote == nil else { throw error(key, at: node, "unterminated quote in the command") }
        if inWord { words.append(current) }
        return words
    }
}
