import Foundation

/// GoReleaser template fields Shipdeck does not provide, with the reason a template that reads one
/// fails at plan time (`shipdeck check` and `shipdeck plan` say so).
enum GoReleaserFields {
    static let unsupported: [String: String] = [
        "ReleaseNotes": "release notes are written by the changelog, after the templates of a build are applied",
        "ReleaseURL": "Shipdeck does not create the release on a forge while it builds",
        "TagSubject": "tag messages are not read",
        "TagContents": "tag messages are not read",
        "TagBody": "tag messages are not read",
        "IsDraft": "release drafts are not part of a Shipdeck build",
        "ArtifactPath": "artifact paths in Shipdeck's dist/ differ from GoReleaser's",
        "Checksums": "checksums are only known after the build",
        "Artifacts": "artifact lists are only known after the build",
        "Metadata": "GoReleaser Pro's metadata is not read",
        "Var": "GoReleaser Pro's custom variables are not read",
        "PrefixedTag": "GoReleaser Pro's monorepo prefixes are not read",
        "PrefixedPreviousTag": "GoReleaser Pro's monorepo prefixes are not read",
        "PrefixedSummary": "GoReleaser Pro's monorepo prefixes are not read",
        "IsRelease": "GoReleaser Pro's field is not read",
        "IsMerging": "GoReleaser Pro's field is not read",
    ]
}
