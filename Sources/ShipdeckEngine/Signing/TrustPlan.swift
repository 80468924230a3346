import Foundation

/// The trust part of a release plan: signers ready to sign (tools found, keys read and checked,
/// each proven by signing and verifying a probe file), and whether to check reproducibility and
/// write provenance. Prepared before any build starts, so a wrong password, a missing key file,
/// a key others can read or a missing tool stops the release before it costs anything.
package struct TrustPlan: Sendable {
    var signers: [any Signer] = []
    var authenticode: AuthenticodeSigner?
    /// The native key that signs the provenance envelope.
    var provenanceSigner: NativeP256Signer?
    /// Build every cell twice and compare (config `reproducible:` or `--verify-reproducible`).
    package var reproducible = false
    /// Write a signed in-toto/SLSA provenance statement (config `provenance:`).
    package var provenance = false
    /// Things the user should know (a command signer skipped because its program is missing).
    package var warnings: [String] = []

    package init() {}

    var checksumSigners: [any Signer] { signers.filter { $0.config.scope == .checksums } }
    var artifactSigners: [any Signer] { signers.filter { $0.config.scope == .artifacts } }

    /// One line per signer, for ReleaseInfo.signers.
    package var summaries: [String] {
        signers.map(\.config.summary) + (authenticode.map { [$0.config.summary] } ?? [])
    }

    /// Reads and checks every signer of `config`. Runs each signing tool once on a probe file.
    package static func prepare(config: ShipdeckConfig, environment: [String: String]) throws -> TrustPlan {
        var plan = TrustPlan()
        plan.reproducible = config.reproducible
        plan.provenance = config.provenance
        let where_ = config.path.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "config"
        for entry in config.signers {
            let origin = "\(where_)\(entry.line.map { ":\($0)" } ?? ""): signer \(entry.displayName)"
            do {
                if entry.kind == .authenticode {
                    guard plan.authenticode == nil else {
                        throw ShipdeckError(
                            .config, "\(origin): only one authenticode signer is supported",
                            hint: "remove the other authenticode entry")
                    }
                    plan.authenticode = try SignerFactory.authenticode(entry, environment: environment)
                    continue
                }
                guard let signer = try SignerFactory.make(entry, environment: environment, warnings: &plan.warnings)
                else {
                    continue
                }
                try probe(signer)
                if let other = plan.signers.first(where: {
                    $0.config.scope == entry.scope && $0.config.signatureSuffix == entry.signatureSuffix
                }) {
                    throw ShipdeckError(
                        .config,
                        "\(origin): signers \(other.name) and \(entry.displayName) would both write "
                            + "*\(entry.signatureSuffix) files",
                        hint: "give one of them another suffix: (for example suffix: .p256.sig)")
                }
                plan.signers.append(signer)
                if plan.provenanceSigner == nil, let native = signer as? NativeP256Signer {
                    plan.provenanceSigner = native
                }
            } catch let error as ShipdeckError {
                var message = error.message
                let own = "signer \(entry.displayName): "
                if message.hasPrefix(own) { message = String(message.dropFirst(own.count)) }
                throw ShipdeckError(
                    error.code, message.hasPrefix(where_) ? message : "\(origin): \(message)",
                    hint: error.hint)
            }
        }
        if config.provenance, plan.provenanceSigner == nil {
            throw ShipdeckError(
                .config, "\(where_): provenance: true needs a native signer to sign the DSSE envelope",
                hint: "add a signer with kind: native (make its key with `shipdeck keygen`)")
        }
        return plan
    }

    /// Signs and verifies a small file, so a wrong password or mismatched key shows now.
    static func probe(_ signer: any Signer) throws {
        let dir = try PrivateDirectory.make()
        defer { dir.remove() }
        let file = dir.url.appendingPathComponent("shipdeck-probe.txt")
        let signature = dir.url.appendingPathComponent("shipdeck-probe.txt" + signer.config.signatureSuffix)
        try Data("shipdeck signing probe\n".utf8).write(to: file)
        try signer.sign(file, to: signature)
        try signer.verify(file, signature: signature)
    }
}
