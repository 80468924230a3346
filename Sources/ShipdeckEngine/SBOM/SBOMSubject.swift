import Crypto
import Foundation

/// The binary an SBOM describes and the release values that name it. Everything in an SBOM comes
/// from here and from the binary's `GoBuildInfo`, so the same release gives the same bytes.
package struct SBOMSubject: Sendable, Equatable {
    /// The binary's file name in dist/ (`hello_1.2.0_linux_amd64`).
    package var fileName: String
    package var sha256: String
    package var project: String
    /// The release version (`1.2.0`).
    package var version: String
    /// The module path from go.mod, used when the binary does not name its main module.
    package var modulePath: String
    package var sourceDateEpoch: Int64
    package var shipdeckVersion: String

    package init(fileName: String, sha256: String, project: String, version: String, modulePath: String,
                 sourceDateEpoch: Int64, shipdeckVersion: String) {
        self.fileName = fileName
        self.sha256 = sha256
        self.project = project
        self.version = version
        self.modulePath = modulePath
        self.sourceDateEpoch = sourceDateEpoch
        self.shipdeckVersion = shipdeckVersion
    }

    /// The release version as a Go module version: `1.2.0` → `v1.2.0`.
    package var moduleVersion: String {
        version.first.map { $0.isNumber } == true ? "v" + version : version
    }

    /// SOURCE_DATE_EPOCH as RFC 3339 UTC (`2024-01-02T03:04:05Z`): SBOMs carry no time of the run.
    package var timestamp: String {
        RFC3339.string(epoch: sourceDateEpoch)
    }

    /// A name-based (version 5, RFC 9562) UUID from the module, version, file name and the binary's
    /// SHA-256: the same release gives the same serial number, a different binary another one.
    package var uuid: String {
        Self.uuidV5(namespace: Self.urlNamespace,
                    name: "\(PackageURL.golang(module: modulePath, version: moduleVersion))#\(fileName)@sha256:\(sha256)")
    }

    /// The RFC 9562 namespace for URLs, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
    static let urlNamespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                        0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]

    static func uuidV5(namespace: [UInt8], name: String) -> String {
        var bytes = Array(Insecure.SHA1.hash(data: Data(namespace + Array(name.utf8)))).prefix(16).map { $0 }
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = FileDigest.hex(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
                     hex.dropFirst(20)]
        return parts.map(String.init).joined(separator: "-")
    }
}

/// How SBOM files are written: sorted keys, no escaped slashes, a final newline.
enum SBOMEncoding {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
