import Foundation

@testable import ShipdeckEngine

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A `CommandRunner` for unit tests of pure scheduling logic (ninja's `FakeCommandRunner`):
/// no process is started. A `go build` writes a small file at its `-o` path (a copy of
/// /bin/true, so a smoke test's header check passes) after its cell's gate opens; anything else
/// is a "smoke" run that prints the version after its own gate opens. Every command honours its
/// cancellation token as the real runner does.
final class FakeCommandRunner: CommandRunner, @unchecked Sendable {
    enum Kind: Hashable { case build, smoke }
    struct Key: Hashable {
        var kind: Kind
        var cell: String
    }

    // `condition` guards every field.
    private let condition = NSCondition()
    private var open: Set<Key> = []
    private var failOnce: Set<String> = []
    private(set) var log: [String] = []  // "start build linux/amd64", "end build linux/amd64", …
    private var running: [Kind: Set<String>] = [:]
    private(set) var maxConcurrent: [Kind: Int] = [:]
    private var commands: [Command] = []
    let version: String

    init(version: String = "1.0.0") { self.version = version }

    /// Lets the command of `kind` for `cell` finish (now or when it comes).
    func release(_ kind: Kind, _ cell: String) {
        condition.withLock {
            open.insert(Key(kind: kind, cell: cell))
            condition.broadcast()
        }
    }

    /// Lets every command through from now on.
    func releaseAll(_ cells: [String]) {
        for cell in cells {
            release(.build, cell)
            release(.smoke, cell)
        }
    }

    /// The next build of `cell` exits 1 (once).
    func failNextBuild(of cell: String) { condition.withLock { _ = failOnce.insert(cell) } }

    var events: [String] { condition.withLock { log } }
    func isRunning(_ kind: Kind, _ cell: String) -> Bool { condition.withLock { running[kind]?.contains(cell) == true } }
    func started(_ kind: Kind) -> [String] {
        condition.withLock { log.filter { $0.hasPrefix("start \(kind) ") }.map { String($0.split(separator: " ")[2]) } }
    }
    func peak(_ kind: Kind) -> Int { condition.withLock { maxConcurrent[kind] ?? 0 } }

    /// Waits (polling a condition, with a deadline) until `check` holds.
    @discardableResult
    func waitUntil(_ timeout: TimeInterval = 20, _ check: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if check() { return true }
            usleep(5_000)
        }
        return check()
    }

    func run(_ command: Command, raw: ((UnsafeRawBufferPointer) -> Void)?, lines: (([String]) -> Void)?) throws
        -> ProcessResult
    {
        let spec = command.spec
        let kind: Kind = spec.arguments.first == "build" ? .build : .smoke
        // A build names its target in its environment; a smoke run is the built binary, in the
        // cell's staging folder `<goos>_<goarch>.<attempt>`.
        let folder = URL(fileURLWithPath: spec.executable).deletingLastPathComponent().lastPathComponent
        let cell = kind == .build
            ? "\(spec.environment["GOOS"] ?? "?")/\(spec.environment["GOARCH"] ?? "?")"
            : String(folder.split(separator: ".").first ?? "").replacingOccurrences(of: "_", with: "/")
        let key = Key(kind: kind, cell: cell)
        let token = command.effectiveCancellation
        condition.withLock {
            commands.append(command)
            log.append("start \(kind) \(cell)")
            running[kind, default: []].insert(cell)
            maxConcurrent[kind] = max(maxConcurrent[kind] ?? 0, running[kind]?.count ?? 0)
        }
        defer {
            condition.withLock {
                running[kind]?.remove(cell)
                log.append("end \(kind) \(cell)")
            }
        }
        // Wait for the gate, or for the token (as the real runner's loop would see it); a gate
        // never opened fails the command after 30 s rather than hanging the test run.
        let giveUp = Date().addingTimeInterval(30)
        while true {
            if Date() > giveUp { return ProcessResult(exitCode: 99, signal: nil, cancelled: false) }
            let through = condition.withLock { () -> Bool in
                if open.contains(key) { return true }
                _ = condition.wait(until: Date().addingTimeInterval(0.01))
                return open.contains(key)
            }
            if through { break }
            if token?.isCancelled == true { return ProcessResult(exitCode: nil, signal: SIGTERM, cancelled: true) }
        }
        switch kind {
        case .build:
            if condition.withLock({ failOnce.remove(cell) != nil }) {
                lines?(["fake: build of \(cell) fails"])
                return ProcessResult(exitCode: 1, signal: nil, cancelled: false)
            }
            if let index = spec.arguments.firstIndex(of: "-o"), index + 1 < spec.arguments.count {
                // /bin/true with the target's ELF machine, so the built-output header check passes.
                var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/bin/true")))
                let machines: [String: UInt16] = ["amd64": 0x3e, "arm64": 0xb7, "386": 0x03, "riscv64": 0xf3,
                                                  "ppc64le": 0x15]
                let machine = machines[spec.environment["GOARCH"] ?? ""] ?? 0x3e
                bytes[18] = UInt8(machine & 0xff)
                bytes[19] = UInt8(machine >> 8)
                try Data(bytes).write(to: URL(fileURLWithPath: spec.arguments[index + 1]))
            }
            lines?(["fake: built \(cell)"])
        case .smoke:
            lines?(["tool \(version)"])
        }
        return ProcessResult(exitCode: 0, signal: nil, cancelled: false)
    }
}

/// Collects events as delivered, for assertions that wait on them.
final class EventLog: ReleaseObserver, @unchecked Sendable {
    // `lock` guards `records` and `onEvent`.
    private let lock = NSLock()
    private var records: [EngineEvent] = []
    private var handler: (@Sendable (EngineEvent) -> Void)?
    /// Called with each event, on the hub's delivery thread.
    var onEvent: (@Sendable (EngineEvent) -> Void)? {
        get { lock.withLock { handler } }
        set { lock.withLock { handler = newValue } }
    }

    func release(didEmit record: EventRecord, state: ReleaseState) {
        let call = lock.withLock {
            records.append(record.event)
            return handler
        }
        call?(record.event)
    }

    var events: [EngineEvent] { lock.withLock { records } }

    func finishedCount() -> Int {
        events.filter { if case .releaseFinished = $0 { return true } else { return false } }.count
    }
}
