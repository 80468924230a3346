import Foundation

/// A SHA-256 over what makes two shard runs parts of the same release: the config file's bytes
/// (or the words "zero config"), the main package, and every planned cell of the full plan with
/// its file names and archive format.
///
/// Machine-specific values (the Go path, PATH, cache folders) are left out on purpose so that
/// shards run on different CI runners agree; the Go version, commit, version and
/// SOURCE_DATE_EPOCH are compared on their own, so the merge can say which of them differs.
package enum ConfigFingerprint {
    package static func of(_ plan: BuildPlan) -> String {
        var text = "shipdeck-config-fingerprint-v1\n"
        if let path = plan.config.path, let data = FileManager.default.contents(atPath: path) {
            text += "config-sha256 \(FileDigest.sha256(data: data))\n"
        } else {
            text += "config zero\n"
        }
        text += "main \(plan.mainPackage)\n"
        text += "project \(plan.info.project)\n"
        for cell in plan.cells {
            text += "cell \(cell.id) \(cell.binaryName) \(cell.executableName) \(cell.archiveFormat.rawValue)\n"
        }
        return FileDigest.sha256(data: Data(text.utf8))
    }
}
