import Foundation
import Testing

@testable import ShipdeckEngine

/// The pure parts of the registry client: upload URLs and where credentials may go. The protocol
/// itself is tested against the real docker-registry (EndToEndTests/RegistryPublishEndToEndTests).
@Suite struct RegistryClientTests {
    func client(_ repository: String, insecure: Bool) -> RegistryClient {
        var config = RegistryPublishConfig(repository: RegistryRepository(parsing: repository)!)
        config.insecure = insecure
        return RegistryClient(config: config, credentials: nil, transport: HTTPTransport())
    }

    @Test func theDigestIsAddedToTheUploadLocationKeepingItsState() {
        let location = URL(string: "http://127.0.0.1:5000/v2/acme/hello/blobs/uploads/u1?_state=abc%3D%3D")!
        let url = RegistryClient.adding(digest: "sha256:0123", to: location)
        #expect(url.absoluteString == "http://127.0.0.1:5000/v2/acme/hello/blobs/uploads/u1?_state=abc%3D%3D&digest=sha256%3A0123")
        let bare = RegistryClient.adding(digest: "sha256:0123", to: URL(string: "https://r.example/v2/x/blobs/uploads/u2")!)
        #expect(bare.absoluteString == "https://r.example/v2/x/blobs/uploads/u2?digest=sha256%3A0123")
    }

    @Test func authorizationGoesOnlyToTheRegistrysOwnOrigin() {
        let local = client("127.0.0.1:5000/acme/hello", insecure: true)
        defer { local.transport.shutdown() }
        #expect(local.isRegistryOrigin(URL(string: "http://127.0.0.1:5000/v2/acme/hello/blobs/uploads/")!))
        #expect(!local.isRegistryOrigin(URL(string: "http://127.0.0.1:5001/v2/")!))
        #expect(!local.isRegistryOrigin(URL(string: "https://127.0.0.1:5000/v2/")!))
        #expect(!local.isRegistryOrigin(URL(string: "http://storage.example:5000/v2/")!))
        let remote = client("ghcr.io/acme/hello", insecure: false)
        defer { remote.transport.shutdown() }
        #expect(remote.isRegistryOrigin(URL(string: "https://ghcr.io/v2/acme/hello/manifests/1.0")!))
        #expect(remote.isRegistryOrigin(URL(string: "https://ghcr.io:443/v2/")!))
        #expect(!remote.isRegistryOrigin(URL(string: "http://ghcr.io/v2/")!))
        #expect(!remote.isRegistryOrigin(URL(string: "https://pkg-containers.githubusercontent.com/blob")!))
    }
}
