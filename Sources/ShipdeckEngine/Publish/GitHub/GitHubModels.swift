import Foundation

/// A release as GitHub's API returns it (the members Shipdeck reads).
package struct GitHubRelease: Decodable, Sendable, Equatable {
    package var id: Int64
    package var tagName: String
    package var name: String?
    package var draft: Bool
    package var prerelease: Bool
    /// A URI template, `https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}`.
    package var uploadURL: String
    package var htmlURL: String?

    enum CodingKeys: String, CodingKey {
        case id, name, draft, prerelease
        case tagName = "tag_name", uploadURL = "upload_url", htmlURL = "html_url"
    }
}

/// One asset of a release.
package struct GitHubAsset: Decodable, Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var label: String?
    /// `uploaded` when complete; `open`/`starter` is an upload that never finished (safe to delete).
    package var state: String
    package var size: Int64
    /// `sha256:<hex>` on servers that report it (github.com since 2025), nil elsewhere.
    package var digest: String?
    package var contentType: String?
    /// Where people download it once the release is published (Homebrew and Scoop point here).
    package var browserDownloadURL: String?

    enum CodingKeys: String, CodingKey {
        case id, name, label, state, size, digest
        case contentType = "content_type", browserDownloadURL = "browser_download_url"
    }

    package var sha256: String? {
        guard let digest, digest.hasPrefix("sha256:") else { return nil }
        return String(digest.dropFirst("sha256:".count)).lowercased()
    }
}

/// GitHub's error body: `{"message": …, "errors": [{"code": "already_exists", …}]}`.
struct GitHubErrorBody: Decodable {
    struct Item: Decodable {
        var resource: String?
        var field: String?
        var code: String?
        var message: String?
    }

    var message: String?
    var errors: [Item]?

    /// "Validation Failed (ReleaseAsset.name already_exists)" — the server's words, still untrusted.
    var text: String {
        var out = message ?? "no message"
        let details = (errors ?? []).map { item in
            [item.resource.map { $0 + (item.field.map { ".\($0)" } ?? "") }, item.code, item.message]
                .compactMap { $0 }.joined(separator: " ")
        }
        if !details.isEmpty { out += " (" + details.joined(separator: "; ") + ")" }
        return out
    }
}
