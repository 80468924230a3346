import Foundation

/// A temporary directory only its owner can enter, for askpass scripts and links.
struct PrivateDirectory {
    let url: URL

    static func make() throws -> PrivateDirectory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shipdeck-sign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        return PrivateDirectory(url: url)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
