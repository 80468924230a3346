import Foundation
import ShipdeckEngine
import Testing

/// The image fixture released once (three Linux images in dist/imagehello, an OCI layout), shared.
final class PublishableImageRelease: @unchecked Sendable {
    static let shared = PublishableImageRelease()
    let module: URL
    let output: TestSupport.Output

    private init() {
        module = TestSupport.copyFixture("image-hello", git: true, tag: "v1.4.0")
        output = TestSupport.shipdeck(["release", "--no-tui"], in: module)
    }

    var layout: URL { module.appendingPathComponent("dist/imagehello") }

    /// A copy of the module and its dist/, with `publish` appended to shipdeck.yml.
    func copy(publish: String) -> URL {
        let copy = TestSupport.temporaryDirectory("publish-image").appendingPathComponent("image-hello")
        try! FileManager.default.copyItem(at: module, to: copy)
        let config = copy.appendingPathComponent("shipdeck.yml")
        try! (String(contentsOf: config, encoding: .utf8) + publish).write(to: config, atomically: true, encoding: .utf8)
        return copy
    }

    /// The image index digest dist/ names, and its platform manifests' digests.
    func digests(in layout: URL) throws -> (index: String, manifests: [String]) {
        let top = try JSONSerialization.jsonObject(with: Data(contentsOf: layout.appendingPathComponent("index.json"))) as! [String: Any]
        let index = ((top["manifests"] as! [[String: Any]])[0]["digest"] as! String)
        let blob = layout.appendingPathComponent("blobs/sha256/" + index.dropFirst("sha256:".count))
        let inner = try JSONSerialization.jsonObject(with: Data(contentsOf: blob)) as! [String: Any]
        return (index, (inner["manifests"] as! [[String: Any]]).map { $0["digest"] as! String })
    }
}

enum Digest {
    static func of(_ data: Data) -> String {
        let dir = TestSupport.temporaryDirectory("digest")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data")
        try! data.write(to: file)
        return "sha256:" + (try! FileDigestForTests.sha256(file))
    }
}

/// `publish.registry` against the real registry (Debian's docker-registry), checked with skopeo.
@Suite(.serialized, .ownThreads) struct RegistryPublishEndToEndTests {
    static let skopeo = "/usr/bin/skopeo"
    let release = PublishableImageRelease.shared
    let user = "shipper"
    let password = "reg-canary-5be1c0de-password"

    func registryYAML(_ registry: String, extra: String = "") -> String {
        """
          registry:
            repository: \(registry)/acme/imagehello
            username_env: SHIPDECK_TEST_REGISTRY_USER
            password_env: SHIPDECK_TEST_REGISTRY_PASSWORD
            insecure: true
            chunk_size: 256KiB
        \(extra)
        """
    }

    func publish(_ module: URL, _ extra: [String] = [], password: String? = nil) -> TestSupport.Output {
        TestSupport.shipdeck(
            ["publish", "--no-tui"] + extra, in: module,
            environment: [
                "SHIPDECK_TEST_GITHUB_TOKEN": GitHubStandIn.token, "SHIPDECK_TEST_REGISTRY_USER": user,
                "SHIPDECK_TEST_REGISTRY_PASSWORD": password ?? self.password, "SHIPDECK_TEST_RETRY_BASE_MS": "50",
            ])
    }

    func skopeo(_ arguments: [String], in directory: URL) -> TestSupport.Output {
        TestSupport.run(Self.skopeo, arguments, in: directory)
    }

    /// skopeo reads back the index and each platform manifest from the registry, and `copy --all`
    /// brings out exactly dist/'s blobs.
    func expectRegistryHoldsTheLayout(_ registry: DockerRegistry, tags: [String] = ["1.4.0", "latest"]) throws {
        let work = TestSupport.temporaryDirectory("skopeo")
        let (index, manifests) = try release.digests(in: release.layout)
        let image = "docker://\(registry.authority)/acme/imagehello"
        let creds = ["--tls-verify=false", "--creds", "\(user):\(password)"]
        for tag in tags {
            let raw = skopeo(["inspect", "--raw"] + creds + ["\(image):\(tag)"], in: work)
            try #require(raw.status == 0, "\(raw.combined)")
            #expect(Digest.of(Data(raw.stdout.utf8)) == index, "\(tag) names another index")
        }
        #expect(manifests.count == 3)
        for digest in manifests {
            let raw = skopeo(["inspect", "--raw"] + creds + ["\(image)@\(digest)"], in: work)
            #expect(raw.status == 0, "\(raw.combined)")
            #expect(Digest.of(Data(raw.stdout.utf8)) == digest)
        }
        let copy = work.appendingPathComponent("copy")
        let copied = skopeo(
            ["copy", "--all", "--src-tls-verify=false", "--src-creds", "\(user):\(password)", "\(image):1.4.0",
             "oci:\(copy.path):1.4.0"], in: work)
        try #require(copied.status == 0, "\(copied.combined)")
        let (copiedIndex, copiedManifests) = try release.digests(in: copy)
        #expect(copiedIndex == index && copiedManifests == manifests)
        let blobs = try FileManager.default.contentsOfDirectory(atPath: copy.appendingPathComponent("blobs/sha256").path)
        let local = try FileManager.default.contentsOfDirectory(atPath: release.layout.appendingPathComponent("blobs/sha256").path)
        #expect(Set(blobs) == Set(local), "pulled \(blobs.sorted()) vs dist \(local.sorted())")
        for name in blobs {
            let pulled = try Data(contentsOf: copy.appendingPathComponent("blobs/sha256/\(name)"))
            #expect(Digest.of(pulled) == "sha256:\(name)", "\(name) came back different")
        }
    }

    @Test func theImageReleaseBuilt() {
        #expect(release.output.status == 0, "\(release.output.combined)")
    }

    @Test func publishPushesTheThreePlatformImageBeforeTheReleaseAndASecondPushUploadsNoBlob() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let registry = try DockerRegistry(auth: .basic(user: user, password: password))
        defer { registry.stop() }
        let github = try GitHubStandIn()
        defer { github.stop() }
        let module = release.copy(publish: github.publishYAML() + registryYAML(registry.authority))
        let out = publish(module)
        #expect(out.status == 0, "\(out.combined)")
        try expectRegistryHoldsTheLayout(registry)

        // Units: blobs (large layers in chunks), manifests, the index, the tags; after the assets,
        // before the release is published.
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let registryLines = lines.indices.filter { lines[$0].hasPrefix("[registry] ") }
        let units: Int = 6 + 3 + 1 + 2  // a config and a layer per platform, 3 manifests, the index, 2 tags
        #expect(registryLines.count == units, "\(out.stdout)")
        #expect(lines.contains { $0.hasPrefix("[registry] blob ") && $0.contains("ok: uploaded") && $0.contains("chunks") }, "\(out.stdout)")
        #expect(lines.contains { $0.hasPrefix("[registry] blob ") && $0.contains("in one PUT") }, "\(out.stdout)")
        #expect(lines.contains { $0.hasPrefix("[registry] index ") && $0.contains("ok: PUT by digest") }, "\(out.stdout)")
        #expect(lines.contains { $0.hasPrefix("[registry] tag latest") && $0.contains(" ok: ") }, "\(out.stdout)")
        let lastAsset = lines.lastIndex { $0.hasPrefix("[github] ") && $0.contains(" ok: uploaded") }
        let published = lines.firstIndex { $0.hasPrefix("[github] publish release") }
        if let lastAsset, let published, let first = registryLines.first, let last = registryLines.last {
            #expect(lastAsset < first && last < published, "\(out.stdout)")
        } else {
            Issue.record("missing lines: \(out.stdout)")
        }
        let uploads = registry.blobUploads()
        #expect(uploads.contains { $0.hasPrefix("PATCH ") }, "no chunked upload: \(uploads)")
        #expect(try await OffPool.run { try github.state() }.releases.first?.draft == false)

        // Again: every blob is found by HEAD, every manifest by digest; no blob goes up.
        let again = publish(module)
        #expect(again.status == 0, "\(again.combined)")
        #expect(registry.blobUploads().count == uploads.count, "a second push uploaded blobs")
        #expect(again.stdout.split(separator: "\n").filter { $0.hasPrefix("[registry] ") && $0.contains(" skipped: ") }.count
            == registryLines.count, "\(again.stdout)")

        // The password: in no output, no file of the module.
        for text in [out.combined, again.combined] { #expect(!text.contains(password)) }
        let enumerator = FileManager.default.enumerator(at: module, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if let data = try? Data(contentsOf: url) { #expect(data.range(of: Data(password.utf8)) == nil, "\(url.path)") }
        }
    }

    /// `publish:` with only `registry:` (no GitHub release): verify, then the image push, nothing else.
    /// A formula without publish.github and without url_template is refused before anything is sent.
    @Test func aRegistryOnlyPublishPushesTheImageWithoutAGitHubRelease() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let registry = try DockerRegistry(auth: .basic(user: user, password: password))
        defer { registry.stop() }
        let module = release.copy(publish: "publish:\n" + registryYAML(registry.authority))
        let out = publish(module)
        #expect(out.status == 0, "\(out.combined)")
        try expectRegistryHoldsTheLayout(registry)
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(!lines.contains { $0.hasPrefix("[github]") }, "\(out.stdout)")
        let units: Int = 6 + 3 + 1 + 2  // a config and a layer per platform, 3 manifests, the index, 2 tags
        let registryLines: Int = lines.filter { $0.hasPrefix("[registry] ") }.count
        #expect(registryLines == units, "\(out.stdout)")
        #expect(out.stdout.contains("to \(registry.authority)/acme/imagehello"), "\(out.stdout)")
        #expect(out.stdout.contains("publish succeeded"), "\(out.stdout)")

        let uploads = registry.blobUploads().count
        let tapped = release.copy(
            publish: "publish:\n" + registryYAML(registry.authority) + "  homebrew: { tap: /nonexistent/tap.git }\n")
        let refused = publish(tapped)
        #expect(refused.status == 2, "\(refused.combined)")
        let says = refused.stderr
        #expect(says.contains("publish.homebrew without publish.github"), "\(refused.combined)")
        #expect(says.contains("url_template"), "\(refused.combined)")
        #expect(registry.blobUploads().count == uploads, "a refused publish uploaded blobs")
    }

    @Test func bearerTokenAuthPushesThroughTheTokenServiceAndAWrongPasswordStopsBeforeAnyUpload() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let registry = try DockerRegistry(auth: .token(user: user, password: password))
        defer { registry.stop() }
        var config = RegistryPublishConfig(repository: RegistryRepository(parsing: "\(registry.authority)/acme/imagehello")!)
        config.insecure = true
        config.chunkSize = 300 << 10
        let transport = HTTPTransport()
        defer { transport.shutdown() }

        // A wrong password: the token service refuses it on the first request.
        let wrong = RegistryClient(
            config: config, credentials: RegistryCredentials(username: user, password: "not-the-password"), transport: transport)
        let refused = await OffPool.result { try wrong.checkAccess() }
        guard case .failure(let failure) = refused, let error = failure as? ShipdeckError else {
            Issue.record("a wrong password was accepted: \(refused)")
            return
        }
        #expect(error.message.contains("answered 401"), "\(error)")
        #expect(error.message.contains("invalid username or password"), "\(error)")
        #expect(error.hint?.contains("publish.registry.username_env") == true, "\(error)")
        #expect(registry.blobUploads().isEmpty)
        #expect(try await OffPool.run { try registry.tokenRequests() }.refused == 1)

        let client = RegistryClient(
            config: config, credentials: RegistryCredentials(username: user, password: password), transport: transport)
        let plan = try RegistryPushPlan(layout: release.layout)
        let pusher = RegistryPusher(client: client, plan: plan)
        // An interrupted push (two blobs up), then the whole push: the two are found, not sent again.
        let partial = try await OffPool.run {
            try client.checkAccess()
            return try plan.steps.prefix(2).map { try pusher.run($0) }
        }
        #expect(partial.count == 2 && partial.allSatisfy(\.sent))
        let first = try await OffPool.run { try plan.steps.map { try pusher.run($0) } }
        #expect(first.count == plan.steps.count)
        #expect(first.prefix(2).allSatisfy { !$0.sent } && first.dropFirst(2).allSatisfy(\.sent), "\(first)")
        #expect(first.contains { $0.bodyRequests > 1 }, "no blob went up in chunks")
        let blobCount = plan.steps.filter { $0.kind == .blob }.count
        #expect(registry.blobUploads().filter { $0.hasPrefix("POST ") }.count == blobCount, "a blob was uploaded twice")
        #expect(registry.blobUploads().contains { $0.hasPrefix("PATCH ") })
        try expectRegistryHoldsTheLayout(registry)

        let uploads = registry.blobUploads().count
        let second = try await OffPool.run { try plan.steps.map { try pusher.run($0) } }
        for (step, outcome) in zip(plan.steps, second) { #expect(!outcome.sent, "\(step.id) sent again") }
        #expect(registry.blobUploads().count == uploads)
        // The credentials went to the token service; the registry only ever saw the token.
        #expect(!((try? String(contentsOf: registry.log, encoding: .utf8)) ?? "").contains(password))
    }

    @Test func aRegistryThatComesUpLateIsReachedThroughTheRetryPolicy() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let port = DockerRegistry.freePort()
        var config = RegistryPublishConfig(repository: RegistryRepository(parsing: "127.0.0.1:\(port)/acme/imagehello")!)
        config.insecure = true
        var policy = HTTPRetryPolicy()
        policy.maxAttempts = 200
        policy.baseDelay = .milliseconds(50)
        policy.maxDelay = .milliseconds(100)
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let client = RegistryClient(config: config, credentials: nil, transport: transport, retry: policy)
        let retries = RetryLog()
        let plan = try RegistryPushPlan(layout: release.layout)
        let pusher = RegistryPusher(client: client, plan: plan)
        async let pushed = OffPool.run {
            try client.checkAccess(onRetry: { retries.add($0.reason) })
            return try plan.steps.map { try pusher.run($0).sent }
        }
        // Only once the client has been refused and is waiting to try again does the registry start.
        let deadline = Date().addingTimeInterval(60)
        while retries.count == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(retries.count > 0, "the client never retried")
        let registry = try DockerRegistry(port: port)
        defer { registry.stop() }
        let sent = try await pushed
        #expect(sent.count == plan.steps.count && sent.allSatisfy { $0 })
        #expect(retries.reasons.allSatisfy { $0.contains("127.0.0.1:\(port)") }, "\(retries.reasons)")
    }

    /// `r` on an image step (what the dashboard's Publish pane calls): a registry that went away
    /// after the check fails the first step and cancels the rest; once it is back, a retry of any
    /// of them pushes from the step that failed on, and a finished step cannot be retried.
    @Test func aFailedImagePushIsRetriedFromTheStepThatFailed() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let port = DockerRegistry.freePort()
        let first = try DockerRegistry(auth: .basic(user: user, password: password), port: port)
        let module = release.copy(publish: "publish:\n" + registryYAML(first.authority))
        let config = try ConfigReader.load(module.appendingPathComponent("shipdeck.yml"))
        var environment = ProcessInfo.processInfo.environment
        environment["SHIPDECK_TEST_REGISTRY_USER"] = user
        environment["SHIPDECK_TEST_REGISTRY_PASSWORD"] = password
        environment["SHIPDECK_TEST_RETRY_BASE_MS"] = "20"
        let hub = EventHub()
        let phase = PublishPhase(
            config: config, options: PublishOptions(dist: module.appendingPathComponent("dist"), environment: environment), hub: hub)
        let plan = try await OffPool.run { try phase.prepare() }  // the registry answers the check
        let steps = try #require(plan.targets.registry).plan.steps.map(PublishTargets.Registry.unitID)
        #expect(steps.count == 12)
        #expect(phase.retryRefusal(unit: steps[0]) != nil, "a unit that never ran was retryable")
        first.stop()

        let failed = try await OffPool.run { phase.run(plan) }
        #expect(failed == .failed)
        hub.flush()
        var units = hub.snapshot().publish
        #expect(units.unit(steps[0])?.result == .failed, "\(String(describing: units.unit(steps[0])))")
        #expect(steps.dropFirst().allSatisfy { units.unit($0)?.result == .cancelled })

        let second = try DockerRegistry(auth: .basic(user: user, password: password), port: port)
        defer { second.stop() }
        #expect(phase.retryRefusal(unit: steps[5]) == nil)
        let retried = try await OffPool.run { phase.retry(unit: steps[5]) }
        #expect(retried == .succeeded)
        hub.flush()
        units = hub.snapshot().publish
        #expect(steps.allSatisfy { units.unit($0)?.result == .done }, "\(steps.map { units.unit($0)?.result })")
        #expect(units.unit(steps[0])?.attempt == 2)
        #expect(phase.retryRefusal(unit: steps[0]) != nil, "a done step was retryable")
        #expect(phase.retry(unit: steps[0]) == nil)
        try expectRegistryHoldsTheLayout(second)
        // Each of the six blobs went up once: one POST and one closing PUT (chunks are PATCHes).
        let uploads = second.blobUploads()
        #expect(uploads.filter { $0.hasPrefix("POST ") }.count == 6, "\(uploads)")
    }

    @Test func a503AndAConnectionResetMidChunkAreRetriedAndThePushCompletes() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let registry = try DockerRegistry()
        defer { registry.stop() }
        let stateFile = registry.directory.appendingPathComponent("faults.json")
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proxy.arguments = [
            "python3", TestSupport.fixtures.appendingPathComponent("registry-faults/proxy.py").path,
            "--upstream", String(registry.port), "--state", stateFile.path, "--cut-after", "100000",
        ]
        let out = Pipe(), input = Pipe()
        proxy.standardOutput = out
        proxy.standardInput = input
        try proxy.run()
        defer {
            try? input.fileHandleForWriting.close()
            proxy.stopServer()
        }
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        let proxyPort = try #require(Int(String(decoding: line, as: UTF8.self).dropFirst("port=".count)), "the proxy did not start")

        var config = RegistryPublishConfig(repository: RegistryRepository(parsing: "127.0.0.1:\(proxyPort)/acme/imagehello")!)
        config.insecure = true
        config.chunkSize = 256 << 10
        var policy = HTTPRetryPolicy()
        policy.baseDelay = .milliseconds(50)
        let transport = HTTPTransport()
        defer { transport.shutdown() }
        let client = RegistryClient(config: config, credentials: nil, transport: transport, retry: policy)
        let plan = try RegistryPushPlan(layout: release.layout)
        let pusher = RegistryPusher(client: client, plan: plan)
        let retries = RetryLog()
        let sent = try await OffPool.run {
            try client.checkAccess()
            return try plan.steps.map { try pusher.run($0, onRetry: { retries.add($0.reason) }).sent }
        }
        #expect(sent.count == plan.steps.count && sent.allSatisfy { $0 })
        let injected = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: stateFile)) as? [String: Int])
        #expect(injected["post_503"] == 1 && injected["patch_reset"] == 1, "\(injected)")
        #expect(retries.reasons.contains { $0.contains("HTTP 503") }, "\(retries.reasons)")
        #expect(retries.reasons.contains { $0.contains("PATCH") && !$0.contains("503") }, "the cut chunk was not retried: \(retries.reasons)")
        // What the registry holds is dist/'s image, byte for byte.
        try expectRegistryHoldsTheLayout(registry)
    }

    @Test func aWrongPasswordOrAnUnreachableRegistryIsAClearErrorBeforeAnythingIsUploaded() async throws {
        try #require(release.output.status == 0, "\(release.output.combined)")
        let registry = try DockerRegistry(auth: .basic(user: user, password: password))
        defer { registry.stop() }
        let github = try GitHubStandIn()
        defer { github.stop() }
        let module = release.copy(publish: github.publishYAML() + registryYAML(registry.authority))
        let wrong = publish(module, password: "wrong-password-canary-2718")
        #expect(wrong.status == 2, "\(wrong.combined)")
        #expect(wrong.stderr.contains("registry \(registry.authority): 401"), "\(wrong.combined)")
        #expect(wrong.stderr.contains("SHIPDECK_TEST_REGISTRY_PASSWORD"), "the hint names the variable: \(wrong.combined)")
        #expect(!wrong.combined.contains("wrong-password-canary-2718"))
        #expect(registry.blobUploads().isEmpty)
        #expect(try await OffPool.run { try github.state() }.releases.isEmpty, "a release was created before the registry was checked")

        // Nothing listens on the port of a registry that was stopped.
        let gone = try DockerRegistry()
        let port = gone.port
        gone.stop()
        let unreachable = release.copy(publish: github.publishYAML() + registryYAML("127.0.0.1:\(port)"))
        let out = publish(unreachable)
        #expect(out.status == 2, "\(out.combined)")
        #expect(out.stderr.contains("registry 127.0.0.1:\(port)"), "\(out.combined)")
        #expect(out.stderr.contains("publish.registry.repository"), "\(out.combined)")
        #expect(try await OffPool.run { try github.state() }.releases.isEmpty)

        // A dry run prints the registry's requests and sends none.
        let dry = publish(module, ["--dry-run"])
        #expect(dry.status == 0, "\(dry.combined)")
        #expect(dry.stdout.contains("HEAD http://\(registry.authority)/v2/acme/imagehello/blobs/sha256:"), "\(dry.stdout)")
        #expect(dry.stdout.contains("PATCH <Location>"), "\(dry.stdout)")
        #expect(dry.stdout.contains("PUT http://\(registry.authority)/v2/acme/imagehello/manifests/latest"), "\(dry.stdout)")
        #expect(registry.blobUploads().isEmpty)

        // --json: each blob unit reports the bytes sent, up to its size.
        let json = publish(module, ["--json"])
        #expect(json.status == 0, "\(json.combined)")
        let events = json.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let progress = events.filter {
            $0["type"] as? String == "publishUnit" && $0["phase"] as? String == "progress"
                && ($0["unit"] as? String ?? "").hasPrefix("registry:blob ")
        }
        let layers = try RegistryPushPlan(layout: release.layout).steps.filter { $0.kind == .blob && $0.size > 256 << 10 }
        #expect(!layers.isEmpty)
        for layer in layers {
            let sent = progress.filter { $0["unit"] as? String == "registry:\(layer.id)" }.compactMap { ($0["sent"] as? NSNumber)?.int64Value }
            #expect(sent.count >= 2 && sent.last == layer.size && sent == sent.sorted(), "\(layer.id): \(sent)")
        }
        #expect(!json.combined.contains(password))
    }
}

/// The retry reasons a client reported. `lock` guards `reasons`.
final class RetryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ reason: String) { lock.withLock { items.append(reason) } }
    var reasons: [String] { lock.withLock { items } }
    var count: Int { reasons.count }
}
