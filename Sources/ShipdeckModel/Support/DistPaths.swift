import Foundation

/// Names of Shipdeck's own files inside a dist/ folder, shared by the engine (which writes them) and
/// front ends (which open them, like the dashboard's log view).
public enum DistPaths {
    /// The folder of per-attempt logs, relative to dist/.
    public static let logsFolder = "logs"

    /// A cell id as one file-name component: `linux/arm/7` → `linux_arm_7`.
    public static func fileComponent(_ cell: String) -> String { cell.replacingOccurrences(of: "/", with: "_") }

    /// The full log of one attempt of one cell, relative to dist/.
    public static func logPath(cell: String, attempt: Int) -> String {
        "\(logsFolder)/\(fileComponent(cell)).attempt-\(attempt).log"
    }
}
