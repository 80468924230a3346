import ArgumentParser
import Foundation
import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an ECDSA P-256 key pair for the native signer.",
        discussion: """
            Writes PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (PEM SubjectPublicKeyInfo). \
            Signatures verify with `openssl dgst -sha256 -verify PREFIX.pub` and `cosign verify-blob --key PREFIX.pub`.
            """)

    @Option(
        name: .customLong("output"),
        help: "Path prefix of the key files (default: shipdeck → shipdeck.key, shipdeck.pub).")
    var output = "shipdeck"

    @Flag(help: "Overwrite existing key files.")
    var force = false

    func run() throws {
        let keyPath = output + ".key", pubPath = output + ".pub"
        let pair = KeyPairFiles.generate()
        try KeyPairFiles.write(pair.privateKey, to: keyPath, mode: 0o600, force: force)
        try KeyPairFiles.write(pair.publicKey, to: pubPath, mode: 0o644, force: force)
        emitLine(
            "wrote \(UntrustedText.escape(keyPath)) (private, mode 600) and \(UntrustedText.escape(pubPath)) (public)")
        emitLine("use it in shipdeck.yml:  signers: [{ kind: native, key: \(UntrustedText.escape(keyPath)) }]")
    }
}

enum KeyPairFiles {
    static func generate() -> (privateKey: String, publicKey: String) { NativeKeys.generatePEM() }

    /// Creates the file with its final mode from the start (O_EXCL unless forced), so a private key
    /// is never readable by others, not even for a moment.
    static func write(_ text: String, to path: String, mode: mode_t, force: Bool) throws {
        if force { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw ShipdeckError(
                    .io, "\(path) already exists", hint: "pass --force to overwrite it, or choose another --output")
            }
            throw ShipdeckError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        fchmod(fd, mode)
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw ShipdeckError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        fsync(fd)
    }
}
