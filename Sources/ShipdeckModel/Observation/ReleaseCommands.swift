/// The only way a front end changes a release. `ReleaseEngine` implements it; a read-only
/// `watch` has none.
public protocol ReleaseCommands: AnyObject, Sendable {
    @discardableResult func retry(cell: String) -> Bool
    @discardableResult func retryFailed() -> Int
    @discardableResult func cancel(cell: String) -> Bool
    func cancelAll()
    /// Runs a failed or cancelled publish unit again (`release --publish` in the dashboard); false
    /// when there is no publish or the unit cannot be retried now.
    @discardableResult func retryPublish(unit: String) -> Bool
    /// Why `retryPublish(unit:)` would refuse `unit` now, in words for the footer; nil when it would not.
    func publishRetryRefusal(unit: String) -> String?
    /// Stops the publish under way (the release stays a draft).
    func cancelPublish()
}

extension ReleaseCommands {
    /// No publish here (a release without `--publish`).
    @discardableResult public func retryPublish(unit: String) -> Bool { false }
    public func publishRetryRefusal(unit: String) -> String? { "this release does not publish" }
    public func cancelPublish() {}
}
