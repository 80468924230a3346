import Foundation

#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ShipdeckEngine

/// `--json`: one event per line, exactly as the engine emitted it.
final class JSONEventPrinter: ReleaseObserver, Sendable {
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Prints an `error` event for a run that stopped on bad input before its first event.
    func printError(_ error: Error) {
        let event: EngineEvent = (error as? ShipdeckError).map { .error(message: $0.message, hint: $0.hint, code: $0.code.rawValue) }
            ?? .error(message: "\(error)", hint: nil, code: nil)
        release(didEmit: EventRecord(seq: 0, time: Date().timeIntervalSince1970, event: event), state: ReleaseState())
    }

    func release(didEmit record: EventRecord, state: ReleaseState) {
        guard let data = try? encoder.encode(record) else { return }
        var line = UntrustedText.escapingInvisibleControls(inJSON: data)
        line.append(UInt8(ascii: "\n"))
        StandardOutput.write(String(decoding: line, as: UTF8.self))
    }
}
