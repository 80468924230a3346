import Foundation

/// Runs the steps of a `RegistryPushPlan` against a registry, one at a time, each checked first:
/// a blob the registry has (HEAD, same digest and size) is not sent again, a manifest or index it
/// holds by digest is not PUT again, a tag that already names the index is left alone. So a
/// second push, or a resumed one, sends nothing the registry already holds.
package struct RegistryPusher: Sendable {
    package let client: RegistryClient
    package let plan: RegistryPushPlan

    package init(client: RegistryClient, plan: RegistryPushPlan) {
        self.client = client
        self.plan = plan
    }

    /// What one step ended as: sent or found on the registry, and the words for its unit.
    package struct Outcome: Sendable, Equatable {
        package var sent: Bool
        package var detail: String
        /// Requests that carried blob bytes (1 for a monolithic upload, one per chunk otherwise).
        package var bodyRequests: Int
    }

    /// Runs `step`; `progress` gets the bytes of the blob sent so far.
    package func run(
        _ step: RegistryPushPlan.Step, progress: (@Sendable (Int64) -> Void)? = nil,
        onRetry: RegistryClient.RetryObserver? = nil
    ) throws -> Outcome {
        switch step.kind {
        case .blob:
            if try client.hasBlob(step.digest, size: step.size, onRetry: onRetry) {
                return Outcome(sent: false, detail: "already in \(client.repository) (HEAD \(step.digest.prefix(19)))", bodyRequests: 0)
            }
            let started = Date()
            let requests = try client.uploadBlob(
                path: step.path, digest: step.digest, size: step.size, progress: progress, onRetry: onRetry)
            let seconds = Date().timeIntervalSince(started)
            let how = requests > 1 ? "in \(requests) chunks" : "in one PUT"
            return Outcome(
                sent: true,
                detail: "uploaded \(PublishPhase.bytes(step.size)) \(how) in \(DurationText.format(seconds)); registry digest matches",
                bodyRequests: requests)
        case .manifest, .index:
            if try client.manifestDigest(step.digest, onRetry: onRetry) == step.digest {
                return Outcome(sent: false, detail: "already in \(client.repository) (HEAD by digest)", bodyRequests: 0)
            }
            try client.putManifest(
                path: step.path, mediaType: step.mediaType, digest: step.digest, reference: step.digest, onRetry: onRetry)
            return Outcome(sent: true, detail: "PUT by digest \(step.digest.prefix(19)) (\(step.size) bytes)", bodyRequests: 0)
        case .tag:
            if try client.manifestDigest(step.detail, onRetry: onRetry) == step.digest {
                return Outcome(sent: false, detail: "\(client.repository):\(step.detail) already names \(step.digest.prefix(19))", bodyRequests: 0)
            }
            try client.putManifest(
                path: step.path, mediaType: step.mediaType, digest: step.digest, reference: step.detail, onRetry: onRetry)
            return Outcome(sent: true, detail: "\(client.repository):\(step.detail) → \(step.digest.prefix(19))", bodyRequests: 0)
        }
    }

    /// The requests a push of `step` may make, for `--dry-run` (nothing is sent).
    package func describe(_ step: RegistryPushPlan.Step) -> [String] {
        let repository = client.repository
        let insecure = client.config.insecure
        func line(_ method: String, _ suffix: String, _ extra: [String] = []) -> String {
            ([method + " " + HTTPRequest.display(repository.url(suffix, insecure: insecure))] + extra.map { "  " + $0 })
                .joined(separator: "\n")
        }
        switch step.kind {
        case .blob:
            var lines = [line("HEAD", "blobs/\(step.digest)", ["(skip the blob when the registry has it)"])]
            lines.append(line("POST", "blobs/uploads/"))
            if step.size > client.config.chunkSize {
                let chunks = (step.size + client.config.chunkSize - 1) / client.config.chunkSize
                lines.append(
                    "PATCH <Location> × \(chunks)\n  Content-Type: application/octet-stream\n"
                        + "  Content-Range: 0-\(min(step.size, client.config.chunkSize) - 1), …\n"
                        + "  (body: \(step.size) bytes of \(step.path) in chunks of \(client.config.chunkSize))")
                lines.append("PUT <Location>&digest=\(step.digest)\n  Content-Length: 0")
            } else {
                lines.append(
                    "PUT <Location>&digest=\(step.digest)\n  Content-Type: application/octet-stream\n"
                        + "  (body: \(step.size) bytes of \(step.path))")
            }
            return lines
        case .manifest, .index:
            return [
                line("HEAD", "manifests/\(step.digest)"),
                line("PUT", "manifests/\(step.digest)", ["Content-Type: \(step.mediaType)", "(body: \(step.size) bytes of \(step.path))"]),
            ]
        case .tag:
            return [
                line("HEAD", "manifests/\(step.detail)"),
                line("PUT", "manifests/\(step.detail)", ["Content-Type: \(step.mediaType)", "(body: the index \(step.digest), \(step.size) bytes)"]),
            ]
        }
    }
}
