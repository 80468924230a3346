import Foundation
import ShipdeckModel

/// Records the commands a controller sends, answering as an engine would for the given states.
/// (End-to-end tests drive the real engine; this only checks which command a key sends.)
final class RecordingCommands: ReleaseCommands, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [String] = []
    var retryAnswer = true
    /// What `publishRetryRefusal` answers once `retryAnswer` is false.
    var refusal: String?

    var calls: [String] { lock.withLock { log } }

    func retry(cell: String) -> Bool { lock.withLock { log.append("retry \(cell)") }; return retryAnswer }
    func retryFailed() -> Int { lock.withLock { log.append("retryFailed") }; return 1 }
    func cancel(cell: String) -> Bool { lock.withLock { log.append("cancel \(cell)") }; return true }
    func cancelAll() { lock.withLock { log.append("cancelAll") } }
    func retryPublish(unit: String) -> Bool { lock.withLock { log.append("retryPublish \(unit)") }; return retryAnswer }
    func cancelPublish() { lock.withLock { log.append("cancelPublish") } }
    func publishRetryRefusal(unit: String) -> String? { retryAnswer ? nil : refusal }
}
