import Foundation
import ShipdeckEngine

/// The dashboard form of `shipdeck watch`: read-only (no `ReleaseCommands`), fed from the journal
/// on a background thread while the dashboard owns the terminal on the main thread.
enum WatchDashboard {
    /// False until ShipdeckTUI provides `Dashboard.run`; `watch` then prints lines instead.
    static let isAvailable = false

    static func run(feed: JournalFeed) -> Int32 { 1 }
}
