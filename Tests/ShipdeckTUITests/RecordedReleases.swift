import ShipdeckModel

/// Releases built from hand-written event records, as a journal would hold them, so render
/// tests see exactly what the reducer makes of real events.
enum RecordedReleases {
    static let start = 1_700_000_000.0
    /// The clock the render tests draw at.
    static let now = start + 42

    static let targets: [BuildTarget] = [
        .init(goos: "linux", goarch: "amd64"), .init(goos: "linux", goarch: "arm64"),
        .init(goos: "linux", goarch: "arm", variant: "7"), .init(goos: "darwin", goarch: "amd64"),
        .init(goos: "darwin", goarch: "arm64"), .init(goos: "windows", goarch: "amd64"),
    ]

    static func info(signers: [String] = []) -> ReleaseInfo {
        ReleaseInfo(
            project: "hello", version: "1.2.0", commit: "0123456789abcdef0123456789abcdef01234567", goVersion: "go1.27.0",
            sourceDateEpoch: 1_704_164_645, distDirectory: "/tmp/hello/dist", shipdeckVersion: "0.1.0",
            cells: targets.map { CellInfo(id: $0.description, target: $0, artifactBase: "hello_1.2.0_\($0.goos)_\($0.archInFileName)") },
            signers: signers)
    }

    /// Appends events with increasing sequence numbers at the given times.
    struct Recorder {
        var records: [EventRecord] = []
        mutating func add(_ at: Double, _ event: EngineEvent) {
            records.append(EventRecord(seq: records.count, time: RecordedReleases.start + at, event: event))
        }

        func state() -> ReleaseState {
            var state = ReleaseState()
            for record in records { state.apply(record) }
            return state
        }
    }

    static func sha(_ seed: Character) -> String { String(repeating: String(seed), count: 8) + String(repeating: "0123456789abcdef", count: 3) + "ffeeddcc" + "01234567" }

    static func succeed(_ r: inout Recorder, _ target: BuildTarget, from: Double, to: Double, attempt: Int = 1, seed: Character) {
        let id = target.description
        let base = "hello_1.2.0_\(target.goos)_\(target.archInFileName)"
        r.add(from, .stageStarted(cell: id, attempt: attempt, stage: .build))
        r.add(from, .log(cell: id, attempt: attempt, lines: ["$ go build -trimpath -o \(base) .", "ok\texample.com/hello"]))
        r.add(to - 1, .stageFinished(cell: id, attempt: attempt, stage: .build, result: .succeeded, seconds: to - 1 - from, detail: nil))
        r.add(to - 1, .stageStarted(cell: id, attempt: attempt, stage: .archive))
        r.add(to - 0.5, .stageFinished(cell: id, attempt: attempt, stage: .archive, result: .succeeded, seconds: 0.5, detail: nil))
        r.add(to - 0.5, .stageStarted(cell: id, attempt: attempt, stage: .hash))
        let archive = base + (target.goos == "windows" ? ".zip" : ".tar.gz")
        r.add(to, .artifact(ArtifactRecord(name: archive, path: archive, kind: .archive, cell: id, target: target,
                                           sha256: sha(seed), size: 1_234_567)))
        r.add(to, .stageFinished(cell: id, attempt: attempt, stage: .hash, result: .succeeded, seconds: 0.5, detail: nil))
        r.add(to, .cellFinished(cell: id, attempt: attempt, status: .succeeded, seconds: to - from, error: nil))
    }

    static func failWindows(_ r: inout Recorder) {
        let id = "windows/amd64"
        r.add(2, .stageStarted(cell: id, attempt: 1, stage: .build))
        r.add(3, .log(cell: id, attempt: 1, lines: [
            "$ go build -trimpath -o hello_1.2.0_windows_amd64.exe .",
            "# example.com/hello",
            "./bad_windows.go:3:1: syntax error: non-declaration statement outside function body",
            "\u{1b}]52;c;aGVsbG8=\u{07}\u{1b}[2Jclipboard \u{202e}evil",
            "构建失败: 文件名.go 🚀 done",
        ]))
        r.add(4, .stageFinished(cell: id, attempt: 1, stage: .build, result: .failed, seconds: 2,
                                detail: "go build failed (exit status 1)"))
        r.add(4, .cellFinished(cell: id, attempt: 1, status: .failed, seconds: 2, error: "go build failed (exit status 1)"))
    }

    static func started(signers: [String] = []) -> Recorder {
        var r = Recorder()
        r.add(0, .releaseStarted(info(signers: signers)))
        for target in targets { r.add(0, .cellQueued(cell: target.description, attempt: 1)) }
        return r
    }

    /// Two cells done, one failed, two running, one queued.
    static var running: ReleaseState {
        var r = started()
        succeed(&r, targets[0], from: 0.5, to: 9, seed: "a")
        failWindows(&r)
        r.add(10, .stageStarted(cell: "linux/arm64", attempt: 1, stage: .build))
        r.add(11, .log(cell: "linux/arm64", attempt: 1, lines: (1...30).map { "compiling package \($0) of 30" }))
        r.add(12, .stageStarted(cell: "darwin/amd64", attempt: 1, stage: .build))
        succeed(&r, targets[2], from: 1, to: 20, seed: "b")
        return r.state()
    }

    /// Every cell but windows succeeded; the steps ran; the release failed.
    static var failed: ReleaseState {
        var r = started()
        failWindows(&r)
        for (i, target) in targets.enumerated() where target.goos != "windows" {
            succeed(&r, target, from: Double(i), to: Double(10 + i * 3), seed: Character(String(i)))
        }
        steps(&r, at: 30)
        r.add(31, .releaseFinished(outcome: .failed, seconds: 31))
        return r.state()
    }

    /// windows failed once, was retried and succeeded; signing configured; release succeeded.
    static var finished: ReleaseState {
        var r = started(signers: ["minisign: checksums.txt"])
        failWindows(&r)
        for (i, target) in targets.enumerated() where target.goos != "windows" {
            succeed(&r, target, from: Double(i), to: Double(10 + i * 3), seed: Character(String(i)))
        }
        steps(&r, at: 26)
        r.add(27, .releaseFinished(outcome: .failed, seconds: 27))
        r.add(28, .cellQueued(cell: "windows/amd64", attempt: 2))
        succeed(&r, targets[5], from: 29, to: 35, attempt: 2, seed: "w")
        steps(&r, at: 36)
        r.add(36.5, .signature(SignatureRecord(file: "checksums.txt", signer: "minisign", signature: "checksums.txt.minisig",
                                               state: .verified)))
        r.add(37, .releaseFinished(outcome: .succeeded, seconds: 37))
        return r.state()
    }

    static func steps(_ r: inout Recorder, at time: Double) {
        r.add(time, .stepStarted(step: .checksums))
        r.add(time, .artifact(ArtifactRecord(name: "checksums.txt", path: "checksums.txt", kind: .checksum,
                                             sha256: sha("c"), size: 612)))
        r.add(time, .stepFinished(step: .checksums, result: .succeeded, seconds: 0.1, detail: nil))
        r.add(time, .stepStarted(step: .manifest))
        r.add(time, .stepFinished(step: .manifest, result: .succeeded, seconds: 0.1, detail: nil))
    }
}
