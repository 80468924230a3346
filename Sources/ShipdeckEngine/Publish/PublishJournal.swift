import Foundation

/// `dist/shipdeck.publish.jsonl`: every publish event but byte progress, one JSON line each, synced
/// after each line, so a publish killed at any moment leaves what it finished on disk for `--resume`.
package final class PublishJournal: ReleaseObserver, @unchecked Sendable {
    package static let fileName = DistPaths.publishJournal
    package let url: URL
    /// `lock` guards `handle` and `failure`.
    private let lock = NSLock()
    private var handle: FileHandle?
    private var failure: String?
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    package init(dist: URL) {
        url = dist.appendingPathComponent(Self.fileName)
    }

    package var error: String? { lock.withLock { failure } }

    package func release(didEmit record: EventRecord, state: ReleaseState) {
        switch record.event {
        case .publishStarted, .publishFinished: break
        case .publishUnit(_, _, let phase):
            if case .progress = phase { return }
        default: return
        }
        // Written as `--json` writes its lines: no C1 or bidi control raw in the file.
        guard let encoded = try? encoder.encode(record) else { return }
        var line = UntrustedText.escapingInvisibleControls(inJSON: encoded)
        line.append(0x0a)
        lock.withLock {
            if handle == nil, failure == nil {
                if !FileManager.default.fileExists(atPath: url.path) {
                    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
                }
                handle = FileHandle(forWritingAtPath: url.path)
                if handle == nil { failure = "cannot write \(url.path)" }
                _ = try? handle?.seekToEnd()
            }
            guard let handle else { return }
            do {
                try handle.write(contentsOf: line)
                try handle.synchronize()
            } catch {
                failure = "cannot write \(url.path): \(error.localizedDescription)"
            }
        }
    }

    package func close() {
        lock.withLock {
            try? handle?.close()
            handle = nil
        }
    }

    /// The units an earlier publish into `dist` finished (done or skipped because the server had
    /// them), by id, with the sha256 they were for. A torn last line (a kill mid-write) is ignored.
    package static func completedUnits(in dist: URL) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: dist.appendingPathComponent(fileName).path) else {
            return [:]
        }
        var infos: [String: PublishUnitInfo] = [:]
        var done: [String: String] = [:]
        let decoder = JSONDecoder()
        for line in data.split(separator: 0x0a) {
            guard let record = try? decoder.decode(EventRecord.self, from: Data(line)) else { continue }
            switch record.event {
            case .publishStarted(let units, _):
                for unit in units { infos[unit.id] = unit }
            case .publishUnit(let id, _, .finished(let result, _, _)):
                if result == .done || result == .skipped {
                    done[id] = infos[id]?.sha256 ?? ""
                } else {
                    done[id] = nil
                }
            default:
                break
            }
        }
        return done
    }
}
