import Foundation

/// Turns a `SignerConfig` into a ready `Signer`: finds the tool, checks and reads the key files
/// and secrets. Throws a `ShipdeckError` naming what is missing and how to fix it.
enum SignerFactory {
    static let packages: [SignerConfig.Kind: String] = [
        .minisign: "minisign", .gpg: "gnupg", .ssh: "openssh-client", .authenticode: "osslsigncode",
    ]

    static func make(_ entry: SignerConfig, environment: [String: String], warnings: inout [String]) throws -> (
        any Signer
    )? {
        let base = SignerEnvironment.base(environment)
        if entry.kind == .native, let name = entry.passwordEnv {
            // Native keys are plain PEM: a password would be read and silently not used.
            throw ShipdeckError(
                .config,
                "signer \(entry.displayName): password_env \(UntrustedText.escape(name)) has no effect: native keys are not encrypted",
                hint: "drop password_env (keep the key secret with file permissions or key_env), "
                    + "or use a minisign/gpg signer for a password-protected key")
        }
        let password = try entry.passwordEnv.map {
            try SecretSource.environment($0).load(environment: environment, what: "password")
        }
        switch entry.kind {
        case .minisign:
            let program = try tool("minisign", for: entry, environment: environment)
            let key = try required(entry.key, "key", entry, example: "key: minisign.key")
            try KeyFile.checkPrivate(key, what: "key")
            let pub = entry.publicKey ?? sibling(of: key, replacing: ".key", with: ".pub")
            try KeyFile.checkReadable(pub, what: "public_key")
            return MinisignSigner(
                config: entry, program: program, secretKey: key, publicKey: pub, password: password,
                environment: base)
        case .gpg:
            let program = try tool("gpg", for: entry, environment: environment)
            let user = try required(entry.user, "user", entry, example: "user: release@example.com")
            var env = base
            if let home = entry.gnupgHome ?? environment["GNUPGHOME"] { env["GNUPGHOME"] = home }
            return GPGSigner(config: entry, program: program, user: user, password: password, environment: env)
        case .ssh:
            let program = try tool("ssh-keygen", for: entry, environment: environment)
            let key = try required(entry.key, "key", entry, example: "key: ~/.ssh/id_ed25519")
            try KeyFile.checkPrivate(key, what: "key")
            let pub = entry.publicKey ?? key + ".pub"
            try KeyFile.checkReadable(pub, what: "public_key")
            return SSHSigner(
                config: entry, program: program, privateKey: key, publicKey: pub,
                identity: entry.identity ?? "shipdeck", password: password, environment: base)
        case .native:
            let pem: Secret
            if let key = entry.key {
                pem = try SecretSource.file(key).load(environment: environment, what: "key")
            } else if let name = entry.keyEnv {
                pem = try SecretSource.environment(name).load(environment: environment, what: "key_env")
            } else {
                throw ShipdeckError(
                    .config, "a native signer needs key: (a PEM file) or key_env: (a variable holding the PEM)",
                    hint: "`shipdeck keygen` writes shipdeck.key and shipdeck.pub")
            }
            var publicPEM: String?
            if let pub = entry.publicKey {
                try KeyFile.checkReadable(pub, what: "public_key")
                publicPEM = try String(contentsOfFile: pub, encoding: .utf8)
            }
            return try NativeP256Signer(config: entry, pem: pem, publicKeyPEM: publicPEM)
        case .command:
            guard let program = entry.command.first else {
                throw ShipdeckError(
                    .config, "a command signer needs command: with {artifact} and {signature}",
                    hint:
                        "for example: command: cosign sign-blob --yes --key cosign.key --output-signature {signature} {artifact}"
                )
            }
            guard entry.command.contains(where: { $0.contains("{signature}") }) else {
                throw ShipdeckError(
                    .config, "command: has no {signature} placeholder",
                    hint: "the program must write the signature to {signature}")
            }
            guard
                ProcessRunner.which(program, path: environment["PATH"]) != nil
                    || (program.contains("/") && FileManager.default.isExecutableFile(atPath: program))
            else {
                if entry.optional {
                    warnings.append("signer \(entry.displayName): \(program) is not installed; it is skipped (optional: true)")
                    return nil
                }
                throw ShipdeckError(
                    .signing, "signer \(entry.displayName): \(program) is not installed (not on PATH), so the release would ship unsigned",
                    hint: "install \(program), or add optional: true to this signer to release without it")
            }
            var env = base
            var secrets: [Secret] = []
            for name in entry.passEnvironment {
                guard let value = environment[name] else {
                    throw ShipdeckError(
                        .signing, "pass_env names \(name), which is not set", hint: "export \(name) first")
                }
                env[name] = value
                secrets.append(Secret(value))
            }
            if let password { secrets.append(password) }
            return CommandSigner(config: entry, environment: env, secrets: secrets)
        case .authenticode:
            return nil
        }
    }

    static func authenticode(_ entry: SignerConfig, environment: [String: String]) throws -> AuthenticodeSigner {
        let program = try tool("osslsigncode", for: entry, environment: environment)
        let certificate = try required(entry.certificate, "certificate", entry, example: "certificate: codesign.pem")
        try KeyFile.checkReadable(certificate, what: "certificate")
        let key = try required(entry.key, "key", entry, example: "key: codesign.key")
        try KeyFile.checkPrivate(key, what: "key")
        let ca = entry.caFile ?? certificate
        try KeyFile.checkReadable(ca, what: "ca")
        let password = try entry.passwordEnv.map {
            try SecretSource.environment($0).load(environment: environment, what: "password")
        }
        let env = SignerEnvironment.base(environment)
        // osslsigncode needs an executable to sign; openssl proves the key and password now.
        if let openssl = ProcessRunner.which("openssl", path: environment["PATH"]) {
            var args = ["pkey", "-in", key, "-noout"]
            args += password == nil ? ["-passin", "pass:"] : ["-passin", "stdin"]
            let output = try SignerProcess.run(openssl, args, environment: env, input: password)
            guard output.succeeded else {
                throw ShipdeckError(
                    .signing,
                    "cannot read the Authenticode key \(key)"
                        + (password == nil ? " (is it encrypted?)" : " with the password in $\(entry.passwordEnv!)"),
                    hint: password == nil
                        ? "name the variable holding its password with password_env:"
                        : "check the password in $\(entry.passwordEnv!)")
            }
        }
        return AuthenticodeSigner(
            config: entry, program: program, certificate: certificate, key: key, caFile: ca,
            password: password, environment: env)
    }

    static func tool(_ name: String, for entry: SignerConfig, environment: [String: String]) throws -> String {
        guard let path = ProcessRunner.which(name, path: environment["PATH"]) else {
            let package = packages[entry.kind].map { " (Debian package \($0))" } ?? ""
            throw ShipdeckError(
                .signing, "\(name) is not installed: it is not on PATH",
                hint: "install it\(package), for example with scripts/bootstrap")
        }
        return path
    }

    static func required(_ value: String?, _ key: String, _ entry: SignerConfig, example: String) throws -> String {
        guard let value, !value.isEmpty else {
            throw ShipdeckError(
                .config, "a \(entry.kind.rawValue) signer needs \(key):", hint: "for example \(example)")
        }
        return value
    }

    /// `minisign.key` → `minisign.pub`; otherwise `<key>.pub`.
    static func sibling(of key: String, replacing suffix: String, with replacement: String) -> String {
        key.hasSuffix(suffix) ? String(key.dropLast(suffix.count)) + replacement : key + replacement
    }
}
