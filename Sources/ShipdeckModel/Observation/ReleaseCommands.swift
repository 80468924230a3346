/// The only way a front end changes a release. `ReleaseEngine` implements it; a read-only
/// `watch` has none.
public protocol ReleaseCommands: AnyObject, Sendable {
    @discardableResult func retry(cell: String) -> Bool
    @discardableResult func retryFailed() -> Int
    @discardableResult func cancel(cell: String) -> Bool
    func cancelAll()
}
